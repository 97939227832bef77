-- AlterTable
ALTER TABLE "BackchannelRequest" ADD COLUMN     "amr" TEXT;

-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "requirePasskeyApproval" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "emailFallbackSeconds" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "requirePasskeyApproval" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "AuthenticatorDevice" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "signCount" INTEGER NOT NULL DEFAULT 0,
    "transports" TEXT,
    "pushEndpoint" TEXT,
    "pushKeys" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "AuthenticatorDevice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthenticatorEnrollment" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "AuthenticatorEnrollment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebPushKey" (
    "id" INTEGER NOT NULL,
    "publicKey" TEXT NOT NULL,
    "privateKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebPushKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthenticatorDevice_credentialId_key" ON "AuthenticatorDevice"("credentialId");

-- CreateIndex
CREATE INDEX "AuthenticatorDevice_userId_createdAt_idx" ON "AuthenticatorDevice"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "AuthenticatorDevice_tenantId_createdAt_idx" ON "AuthenticatorDevice"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuthenticatorEnrollment_tokenHash_key" ON "AuthenticatorEnrollment"("tokenHash");

-- CreateIndex
CREATE INDEX "AuthenticatorEnrollment_userId_createdAt_idx" ON "AuthenticatorEnrollment"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "AuthenticatorEnrollment_expiresAt_idx" ON "AuthenticatorEnrollment"("expiresAt");

-- AddForeignKey
ALTER TABLE "AuthenticatorDevice" ADD CONSTRAINT "AuthenticatorDevice_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthenticatorDevice" ADD CONSTRAINT "AuthenticatorDevice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuthenticatorEnrollment" ADD CONSTRAINT "AuthenticatorEnrollment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

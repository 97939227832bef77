-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "fapiCiba" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "idTokenHintGracePeriod" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "jwks" TEXT,
ADD COLUMN     "jwksUri" TEXT,
ADD COLUMN     "registrationAccessTokenHash" TEXT,
ADD COLUMN     "requestSigningAlg" TEXT,
ADD COLUMN     "tlsClientAuthSubjectDn" TEXT,
ADD COLUMN     "tokenEndpointAuthSigningAlg" TEXT,
ADD COLUMN     "userCodeParameter" BOOLEAN NOT NULL DEFAULT false,
ALTER COLUMN "secretHash" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "dynamicRegistration" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "userCodeFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "userCodeLockedUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "JwtIdUse" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JwtIdUse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InitialAccessToken" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "usesLeft" INTEGER,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "InitialAccessToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "JwtIdUse_expiresAt_idx" ON "JwtIdUse"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "JwtIdUse_clientId_purpose_jti_key" ON "JwtIdUse"("clientId", "purpose", "jti");

-- CreateIndex
CREATE UNIQUE INDEX "InitialAccessToken_tokenHash_key" ON "InitialAccessToken"("tokenHash");

-- CreateIndex
CREATE INDEX "InitialAccessToken_tenantId_idx" ON "InitialAccessToken"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "Client_registrationAccessTokenHash_key" ON "Client"("registrationAccessTokenHash");

-- AddForeignKey
ALTER TABLE "JwtIdUse" ADD CONSTRAINT "JwtIdUse_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InitialAccessToken" ADD CONSTRAINT "InitialAccessToken_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "AuthenticatorSession" (
    "id" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthenticatorSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthenticatorSession_tokenHash_key" ON "AuthenticatorSession"("tokenHash");

-- CreateIndex
CREATE INDEX "AuthenticatorSession_deviceId_idx" ON "AuthenticatorSession"("deviceId");

-- CreateIndex
CREATE INDEX "AuthenticatorSession_expiresAt_idx" ON "AuthenticatorSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "AuthenticatorSession" ADD CONSTRAINT "AuthenticatorSession_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "AuthenticatorDevice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

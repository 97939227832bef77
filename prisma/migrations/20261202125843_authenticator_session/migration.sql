-- CreateTable
CREATE TABLE "AuthenticatorSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "deviceId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "AuthenticatorSession_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "AuthenticatorDevice" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthenticatorSession_tokenHash_key" ON "AuthenticatorSession"("tokenHash");

-- CreateIndex
CREATE INDEX "AuthenticatorSession_deviceId_idx" ON "AuthenticatorSession"("deviceId");

-- CreateIndex
CREATE INDEX "AuthenticatorSession_expiresAt_idx" ON "AuthenticatorSession"("expiresAt");

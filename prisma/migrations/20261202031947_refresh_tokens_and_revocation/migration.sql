-- CreateTable
CREATE TABLE "RefreshToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "accessTokenJti" TEXT,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "rotatedAt" DATETIME,
    CONSTRAINT "RefreshToken_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "BackchannelRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RefreshToken_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RevokedAccessToken" (
    "jti" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME NOT NULL,
    CONSTRAINT "RevokedAccessToken_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Client" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "tokenEndpointAuthMethod" TEXT NOT NULL DEFAULT 'client_secret_basic',
    "grantTypes" TEXT NOT NULL,
    "deliveryMode" TEXT NOT NULL DEFAULT 'poll',
    "bindingMessagePolicy" TEXT NOT NULL DEFAULT 'optional',
    "bindingMessageMaxLength" INTEGER NOT NULL DEFAULT 64,
    "bindingMessageCharset" TEXT NOT NULL DEFAULT 'restricted',
    "minRequestedExpiry" INTEGER NOT NULL DEFAULT 1,
    "maxRequestedExpiry" INTEGER NOT NULL DEFAULT 259200,
    "defaultRequestedExpiry" INTEGER NOT NULL DEFAULT 300,
    "pollInterval" INTEGER NOT NULL DEFAULT 5,
    "idTokenSignedResponseAlg" TEXT NOT NULL DEFAULT 'RS256',
    "accessTokenLifetime" INTEGER NOT NULL DEFAULT 3600,
    "idTokenLifetime" INTEGER NOT NULL DEFAULT 3600,
    "refreshTokenLifetime" INTEGER NOT NULL DEFAULT 2592000,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Client_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Client" ("accessTokenLifetime", "bindingMessageCharset", "bindingMessageMaxLength", "bindingMessagePolicy", "clientId", "createdAt", "defaultRequestedExpiry", "deliveryMode", "grantTypes", "id", "idTokenLifetime", "idTokenSignedResponseAlg", "maxRequestedExpiry", "minRequestedExpiry", "name", "pollInterval", "secretHash", "tenantId", "tokenEndpointAuthMethod", "updatedAt") SELECT "accessTokenLifetime", "bindingMessageCharset", "bindingMessageMaxLength", "bindingMessagePolicy", "clientId", "createdAt", "defaultRequestedExpiry", "deliveryMode", "grantTypes", "id", "idTokenLifetime", "idTokenSignedResponseAlg", "maxRequestedExpiry", "minRequestedExpiry", "name", "pollInterval", "secretHash", "tenantId", "tokenEndpointAuthMethod", "updatedAt" FROM "Client";
DROP TABLE "Client";
ALTER TABLE "new_Client" RENAME TO "Client";
CREATE UNIQUE INDEX "Client_clientId_key" ON "Client"("clientId");
CREATE INDEX "Client_tenantId_idx" ON "Client"("tenantId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "RefreshToken_tokenHash_key" ON "RefreshToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "RefreshToken_accessTokenJti_key" ON "RefreshToken"("accessTokenJti");

-- CreateIndex
CREATE INDEX "RefreshToken_requestId_idx" ON "RefreshToken"("requestId");

-- CreateIndex
CREATE INDEX "RefreshToken_clientId_idx" ON "RefreshToken"("clientId");

-- CreateIndex
CREATE INDEX "RevokedAccessToken_expiresAt_idx" ON "RevokedAccessToken"("expiresAt");

-- AlterTable
ALTER TABLE "BackchannelRequest" ADD COLUMN "authorizationDetails" TEXT;
ALTER TABLE "BackchannelRequest" ADD COLUMN "grantedAuthorizationDetails" TEXT;

-- CreateTable
CREATE TABLE "AuthorizationType" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "title" TEXT,
    "schema" TEXT NOT NULL,
    "template" TEXT,
    "partialApproval" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AuthorizationType_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    "notificationEndpoint" TEXT,
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
    "longPollTimeout" INTEGER NOT NULL DEFAULT 0,
    "authorizationDetailsTypes" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "Client_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Client" ("accessTokenLifetime", "bindingMessageCharset", "bindingMessageMaxLength", "bindingMessagePolicy", "clientId", "createdAt", "defaultRequestedExpiry", "deliveryMode", "grantTypes", "id", "idTokenLifetime", "idTokenSignedResponseAlg", "longPollTimeout", "maxRequestedExpiry", "minRequestedExpiry", "name", "notificationEndpoint", "pollInterval", "refreshTokenLifetime", "secretHash", "tenantId", "tokenEndpointAuthMethod", "updatedAt") SELECT "accessTokenLifetime", "bindingMessageCharset", "bindingMessageMaxLength", "bindingMessagePolicy", "clientId", "createdAt", "defaultRequestedExpiry", "deliveryMode", "grantTypes", "id", "idTokenLifetime", "idTokenSignedResponseAlg", "longPollTimeout", "maxRequestedExpiry", "minRequestedExpiry", "name", "notificationEndpoint", "pollInterval", "refreshTokenLifetime", "secretHash", "tenantId", "tokenEndpointAuthMethod", "updatedAt" FROM "Client";
DROP TABLE "Client";
ALTER TABLE "new_Client" RENAME TO "Client";
CREATE UNIQUE INDEX "Client_clientId_key" ON "Client"("clientId");
CREATE INDEX "Client_tenantId_idx" ON "Client"("tenantId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "AuthorizationType_tenantId_type_key" ON "AuthorizationType"("tenantId", "type");

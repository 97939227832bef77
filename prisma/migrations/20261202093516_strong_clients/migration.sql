-- CreateTable
CREATE TABLE "JwtIdUse" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "clientId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "JwtIdUse_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InitialAccessToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME,
    "usesLeft" INTEGER,
    "revokedAt" DATETIME,
    CONSTRAINT "InitialAccessToken_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Client" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT,
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
    "jwks" TEXT,
    "jwksUri" TEXT,
    "tlsClientAuthSubjectDn" TEXT,
    "tokenEndpointAuthSigningAlg" TEXT,
    "requestSigningAlg" TEXT,
    "userCodeParameter" BOOLEAN NOT NULL DEFAULT false,
    "fapiCiba" BOOLEAN NOT NULL DEFAULT false,
    "idTokenHintGracePeriod" INTEGER NOT NULL DEFAULT 0,
    "registrationAccessTokenHash" TEXT,
    CONSTRAINT "Client_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Client" ("accessTokenLifetime", "authorizationDetailsTypes", "bindingMessageCharset", "bindingMessageMaxLength", "bindingMessagePolicy", "clientId", "createdAt", "defaultRequestedExpiry", "deliveryMode", "grantTypes", "id", "idTokenLifetime", "idTokenSignedResponseAlg", "longPollTimeout", "maxRequestedExpiry", "minRequestedExpiry", "name", "notificationEndpoint", "pollInterval", "refreshTokenLifetime", "secretHash", "tenantId", "tokenEndpointAuthMethod", "updatedAt") SELECT "accessTokenLifetime", "authorizationDetailsTypes", "bindingMessageCharset", "bindingMessageMaxLength", "bindingMessagePolicy", "clientId", "createdAt", "defaultRequestedExpiry", "deliveryMode", "grantTypes", "id", "idTokenLifetime", "idTokenSignedResponseAlg", "longPollTimeout", "maxRequestedExpiry", "minRequestedExpiry", "name", "notificationEndpoint", "pollInterval", "refreshTokenLifetime", "secretHash", "tenantId", "tokenEndpointAuthMethod", "updatedAt" FROM "Client";
DROP TABLE "Client";
ALTER TABLE "new_Client" RENAME TO "Client";
CREATE UNIQUE INDEX "Client_clientId_key" ON "Client"("clientId");
CREATE UNIQUE INDEX "Client_registrationAccessTokenHash_key" ON "Client"("registrationAccessTokenHash");
CREATE INDEX "Client_tenantId_idx" ON "Client"("tenantId");
CREATE TABLE "new_Tenant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rateLimitPerUser" INTEGER NOT NULL DEFAULT 5,
    "rateLimitPerTenant" INTEGER NOT NULL DEFAULT 500,
    "maxPendingRequests" INTEGER NOT NULL DEFAULT 5000,
    "emailChannelEnabled" BOOLEAN NOT NULL DEFAULT true,
    "pushChannelEnabled" BOOLEAN NOT NULL DEFAULT false,
    "defaultRequestedExpiry" INTEGER NOT NULL DEFAULT 300,
    "maxRequestedExpiry" INTEGER NOT NULL DEFAULT 259200,
    "pollInterval" INTEGER NOT NULL DEFAULT 5,
    "bindingMessagePolicy" TEXT NOT NULL DEFAULT 'optional',
    "rateLimitPerAgent" INTEGER NOT NULL DEFAULT 20,
    "dynamicRegistration" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_Tenant" ("bindingMessagePolicy", "createdAt", "defaultRequestedExpiry", "emailChannelEnabled", "id", "maxPendingRequests", "maxRequestedExpiry", "name", "pollInterval", "pushChannelEnabled", "rateLimitPerAgent", "rateLimitPerTenant", "rateLimitPerUser", "slug") SELECT "bindingMessagePolicy", "createdAt", "defaultRequestedExpiry", "emailChannelEnabled", "id", "maxPendingRequests", "maxRequestedExpiry", "name", "pollInterval", "pushChannelEnabled", "rateLimitPerAgent", "rateLimitPerTenant", "rateLimitPerUser", "slug" FROM "Tenant";
DROP TABLE "Tenant";
ALTER TABLE "new_Tenant" RENAME TO "Tenant";
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "sub" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT true,
    "name" TEXT,
    "userCodeHash" TEXT,
    "userCodeFailures" INTEGER NOT NULL DEFAULT 0,
    "userCodeLockedUntil" DATETIME,
    "blocked" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "User_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_User" ("blocked", "createdAt", "email", "emailVerified", "id", "name", "sub", "tenantId", "updatedAt", "userCodeHash") SELECT "blocked", "createdAt", "email", "emailVerified", "id", "name", "sub", "tenantId", "updatedAt", "userCodeHash" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_tenantId_sub_key" ON "User"("tenantId", "sub");
CREATE UNIQUE INDEX "User_tenantId_email_key" ON "User"("tenantId", "email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "JwtIdUse_expiresAt_idx" ON "JwtIdUse"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "JwtIdUse_clientId_purpose_jti_key" ON "JwtIdUse"("clientId", "purpose", "jti");

-- CreateIndex
CREATE UNIQUE INDEX "InitialAccessToken_tokenHash_key" ON "InitialAccessToken"("tokenHash");

-- CreateIndex
CREATE INDEX "InitialAccessToken_tenantId_idx" ON "InitialAccessToken"("tenantId");

-- AlterTable
ALTER TABLE "BackchannelRequest" ADD COLUMN "amr" TEXT;

-- CreateTable
CREATE TABLE "AuthenticatorDevice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "signCount" INTEGER NOT NULL DEFAULT 0,
    "transports" TEXT,
    "pushEndpoint" TEXT,
    "pushKeys" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    CONSTRAINT "AuthenticatorDevice_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AuthenticatorDevice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuthenticatorEnrollment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    CONSTRAINT "AuthenticatorEnrollment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebPushKey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "publicKey" TEXT NOT NULL,
    "privateKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
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
    "requirePasskeyApproval" BOOLEAN NOT NULL DEFAULT false,
    "registrationAccessTokenHash" TEXT,
    CONSTRAINT "Client_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Client" ("accessTokenLifetime", "authorizationDetailsTypes", "bindingMessageCharset", "bindingMessageMaxLength", "bindingMessagePolicy", "clientId", "createdAt", "defaultRequestedExpiry", "deliveryMode", "fapiCiba", "grantTypes", "id", "idTokenHintGracePeriod", "idTokenLifetime", "idTokenSignedResponseAlg", "jwks", "jwksUri", "longPollTimeout", "maxRequestedExpiry", "minRequestedExpiry", "name", "notificationEndpoint", "pollInterval", "refreshTokenLifetime", "registrationAccessTokenHash", "requestSigningAlg", "secretHash", "tenantId", "tlsClientAuthSubjectDn", "tokenEndpointAuthMethod", "tokenEndpointAuthSigningAlg", "updatedAt", "userCodeParameter") SELECT "accessTokenLifetime", "authorizationDetailsTypes", "bindingMessageCharset", "bindingMessageMaxLength", "bindingMessagePolicy", "clientId", "createdAt", "defaultRequestedExpiry", "deliveryMode", "fapiCiba", "grantTypes", "id", "idTokenHintGracePeriod", "idTokenLifetime", "idTokenSignedResponseAlg", "jwks", "jwksUri", "longPollTimeout", "maxRequestedExpiry", "minRequestedExpiry", "name", "notificationEndpoint", "pollInterval", "refreshTokenLifetime", "registrationAccessTokenHash", "requestSigningAlg", "secretHash", "tenantId", "tlsClientAuthSubjectDn", "tokenEndpointAuthMethod", "tokenEndpointAuthSigningAlg", "updatedAt", "userCodeParameter" FROM "Client";
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
    "emailFallbackSeconds" INTEGER NOT NULL DEFAULT 30,
    "requirePasskeyApproval" BOOLEAN NOT NULL DEFAULT false,
    "defaultRequestedExpiry" INTEGER NOT NULL DEFAULT 300,
    "maxRequestedExpiry" INTEGER NOT NULL DEFAULT 259200,
    "pollInterval" INTEGER NOT NULL DEFAULT 5,
    "bindingMessagePolicy" TEXT NOT NULL DEFAULT 'optional',
    "rateLimitPerAgent" INTEGER NOT NULL DEFAULT 20,
    "dynamicRegistration" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_Tenant" ("bindingMessagePolicy", "createdAt", "defaultRequestedExpiry", "dynamicRegistration", "emailChannelEnabled", "id", "maxPendingRequests", "maxRequestedExpiry", "name", "pollInterval", "pushChannelEnabled", "rateLimitPerAgent", "rateLimitPerTenant", "rateLimitPerUser", "slug") SELECT "bindingMessagePolicy", "createdAt", "defaultRequestedExpiry", "dynamicRegistration", "emailChannelEnabled", "id", "maxPendingRequests", "maxRequestedExpiry", "name", "pollInterval", "pushChannelEnabled", "rateLimitPerAgent", "rateLimitPerTenant", "rateLimitPerUser", "slug" FROM "Tenant";
DROP TABLE "Tenant";
ALTER TABLE "new_Tenant" RENAME TO "Tenant";
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

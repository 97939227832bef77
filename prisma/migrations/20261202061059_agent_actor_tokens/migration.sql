-- AlterTable
ALTER TABLE "BackchannelRequest" ADD COLUMN "actorFor" TEXT;
ALTER TABLE "BackchannelRequest" ADD COLUMN "actorIssuer" TEXT;
ALTER TABLE "BackchannelRequest" ADD COLUMN "actorName" TEXT;
ALTER TABLE "BackchannelRequest" ADD COLUMN "actorSub" TEXT;

-- CreateTable
CREATE TABLE "TrustedIssuer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwks" TEXT,
    "jwksUri" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TrustedIssuer_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AgentUsage" (
    "tenantId" TEXT NOT NULL,
    "agentIssuer" TEXT NOT NULL,
    "agentSub" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "windowCount" INTEGER NOT NULL,

    PRIMARY KEY ("tenantId", "agentIssuer", "agentSub"),
    CONSTRAINT "AgentUsage_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Tenant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rateLimitPerUser" INTEGER NOT NULL DEFAULT 5,
    "rateLimitPerTenant" INTEGER NOT NULL DEFAULT 500,
    "maxPendingRequests" INTEGER NOT NULL DEFAULT 5000,
    "rateLimitPerAgent" INTEGER NOT NULL DEFAULT 20,
    "emailChannelEnabled" BOOLEAN NOT NULL DEFAULT true,
    "pushChannelEnabled" BOOLEAN NOT NULL DEFAULT false,
    "defaultRequestedExpiry" INTEGER NOT NULL DEFAULT 300,
    "maxRequestedExpiry" INTEGER NOT NULL DEFAULT 259200,
    "pollInterval" INTEGER NOT NULL DEFAULT 5,
    "bindingMessagePolicy" TEXT NOT NULL DEFAULT 'optional'
);
INSERT INTO "new_Tenant" ("bindingMessagePolicy", "createdAt", "defaultRequestedExpiry", "emailChannelEnabled", "id", "maxPendingRequests", "maxRequestedExpiry", "name", "pollInterval", "pushChannelEnabled", "rateLimitPerTenant", "rateLimitPerUser", "slug") SELECT "bindingMessagePolicy", "createdAt", "defaultRequestedExpiry", "emailChannelEnabled", "id", "maxPendingRequests", "maxRequestedExpiry", "name", "pollInterval", "pushChannelEnabled", "rateLimitPerTenant", "rateLimitPerUser", "slug" FROM "Tenant";
DROP TABLE "Tenant";
ALTER TABLE "new_Tenant" RENAME TO "Tenant";
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "TrustedIssuer_tenantId_issuer_key" ON "TrustedIssuer"("tenantId", "issuer");

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

-- AlterTable (an added column: no table redefinition)
ALTER TABLE "Tenant" ADD COLUMN "rateLimitPerAgent" INTEGER NOT NULL DEFAULT 20;

-- CreateIndex
CREATE UNIQUE INDEX "TrustedIssuer_tenantId_issuer_key" ON "TrustedIssuer"("tenantId", "issuer");

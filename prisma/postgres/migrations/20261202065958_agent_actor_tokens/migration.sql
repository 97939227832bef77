-- AlterTable
ALTER TABLE "BackchannelRequest" ADD COLUMN     "actorFor" TEXT,
ADD COLUMN     "actorIssuer" TEXT,
ADD COLUMN     "actorName" TEXT,
ADD COLUMN     "actorSub" TEXT;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "rateLimitPerAgent" INTEGER NOT NULL DEFAULT 20;

-- CreateTable
CREATE TABLE "TrustedIssuer" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "jwks" TEXT,
    "jwksUri" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrustedIssuer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentUsage" (
    "tenantId" TEXT NOT NULL,
    "agentIssuer" TEXT NOT NULL,
    "agentSub" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowCount" INTEGER NOT NULL,

    CONSTRAINT "AgentUsage_pkey" PRIMARY KEY ("tenantId","agentIssuer","agentSub")
);

-- CreateIndex
CREATE UNIQUE INDEX "TrustedIssuer_tenantId_issuer_key" ON "TrustedIssuer"("tenantId", "issuer");

-- AddForeignKey
ALTER TABLE "TrustedIssuer" ADD CONSTRAINT "TrustedIssuer_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentUsage" ADD CONSTRAINT "AgentUsage_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

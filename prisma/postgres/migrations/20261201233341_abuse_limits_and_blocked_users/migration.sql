-- AlterTable
ALTER TABLE "User" ADD COLUMN     "blocked" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "TenantUsage" (
    "tenantId" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowCount" INTEGER NOT NULL,
    "admitted" INTEGER NOT NULL,

    CONSTRAINT "TenantUsage_pkey" PRIMARY KEY ("tenantId")
);

-- CreateTable
CREATE TABLE "TenantRelease" (
    "tenantId" TEXT NOT NULL,
    "shard" INTEGER NOT NULL,
    "released" INTEGER NOT NULL,

    CONSTRAINT "TenantRelease_pkey" PRIMARY KEY ("tenantId","shard")
);

-- CreateTable
CREATE TABLE "UserUsage" (
    "userId" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowCount" INTEGER NOT NULL,

    CONSTRAINT "UserUsage_pkey" PRIMARY KEY ("userId")
);

-- AddForeignKey
ALTER TABLE "TenantUsage" ADD CONSTRAINT "TenantUsage_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TenantRelease" ADD CONSTRAINT "TenantRelease_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserUsage" ADD CONSTRAINT "UserUsage_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written by hand: requests already outstanding count as admitted, so that the
-- cap (admitted − released) is right from the start; their releases come as they finish.
INSERT INTO "TenantUsage" ("tenantId", "windowStart", "windowCount", "admitted")
SELECT "tenantId", TIMESTAMP '1970-01-01 00:00:00', 0, COUNT(*) FROM "BackchannelRequest"
WHERE "status" IN ('pending', 'approved') GROUP BY "tenantId";

-- CreateTable
CREATE TABLE "TenantUsage" (
    "tenantId" TEXT NOT NULL PRIMARY KEY,
    "windowStart" DATETIME NOT NULL,
    "windowCount" INTEGER NOT NULL,
    "admitted" INTEGER NOT NULL,
    CONSTRAINT "TenantUsage_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TenantRelease" (
    "tenantId" TEXT NOT NULL,
    "shard" INTEGER NOT NULL,
    "released" INTEGER NOT NULL,

    PRIMARY KEY ("tenantId", "shard"),
    CONSTRAINT "TenantRelease_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UserUsage" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "windowStart" DATETIME NOT NULL,
    "windowCount" INTEGER NOT NULL,
    CONSTRAINT "UserUsage_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "sub" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT true,
    "name" TEXT,
    "userCodeHash" TEXT,
    "blocked" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "User_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_User" ("createdAt", "email", "emailVerified", "id", "name", "sub", "tenantId", "updatedAt", "userCodeHash") SELECT "createdAt", "email", "emailVerified", "id", "name", "sub", "tenantId", "updatedAt", "userCodeHash" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_tenantId_sub_key" ON "User"("tenantId", "sub");
CREATE UNIQUE INDEX "User_tenantId_email_key" ON "User"("tenantId", "email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Written by hand: requests already outstanding count as admitted, so that the
-- cap (admitted − released) is right from the start; their releases come as they finish.
INSERT INTO "TenantUsage" ("tenantId", "windowStart", "windowCount", "admitted")
SELECT "tenantId", '1970-01-01T00:00:00.000+00:00', 0, COUNT(*) FROM "BackchannelRequest"
WHERE "status" IN ('pending', 'approved') GROUP BY "tenantId";

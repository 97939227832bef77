-- CreateTable
CREATE TABLE "UserCodeLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    CONSTRAINT "UserCodeLink_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "UserCodeLink_tokenHash_key" ON "UserCodeLink"("tokenHash");

-- CreateIndex
CREATE INDEX "UserCodeLink_userId_createdAt_idx" ON "UserCodeLink"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "UserCodeLink_expiresAt_idx" ON "UserCodeLink"("expiresAt");

-- CreateTable
CREATE TABLE "UserCodeLink" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "UserCodeLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UserCodeLink_tokenHash_key" ON "UserCodeLink"("tokenHash");

-- CreateIndex
CREATE INDEX "UserCodeLink_userId_createdAt_idx" ON "UserCodeLink"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "UserCodeLink_expiresAt_idx" ON "UserCodeLink"("expiresAt");

-- AddForeignKey
ALTER TABLE "UserCodeLink" ADD CONSTRAINT "UserCodeLink_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

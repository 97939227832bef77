-- Attempts were opened at claim and closed at settle; they are now written
-- once, finished. Any still open (a worker stopped mid-attempt) are closed
-- as interrupted first.
UPDATE "OutboxAttempt" SET "finishedAt" = "startedAt", "outcome" = 'interrupted' WHERE "finishedAt" IS NULL;

-- DropIndex
DROP INDEX "OutboxAttempt_messageId_attempt_key";

-- AlterTable
ALTER TABLE "OutboxAttempt" DROP CONSTRAINT "OutboxAttempt_pkey",
DROP COLUMN "id",
ALTER COLUMN "finishedAt" SET NOT NULL,
ALTER COLUMN "outcome" SET NOT NULL,
ADD CONSTRAINT "OutboxAttempt_pkey" PRIMARY KEY ("messageId", "attempt");

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "leasedAt" TIMESTAMP(3);

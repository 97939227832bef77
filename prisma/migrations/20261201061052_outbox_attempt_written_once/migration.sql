-- Attempts were opened at claim and closed at settle; they are now written
-- once, finished. Any still open (a worker stopped mid-attempt) are closed
-- as interrupted first.
UPDATE "OutboxAttempt" SET "finishedAt" = "startedAt", "outcome" = 'interrupted' WHERE "finishedAt" IS NULL;

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "leasedAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxAttempt" (
    "messageId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME NOT NULL,
    "outcome" TEXT NOT NULL,
    "providerMessageId" TEXT,
    "error" TEXT,

    PRIMARY KEY ("messageId", "attempt"),
    CONSTRAINT "OutboxAttempt_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "OutboxMessage" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OutboxAttempt" ("attempt", "error", "finishedAt", "messageId", "outcome", "providerMessageId", "startedAt") SELECT "attempt", "error", "finishedAt", "messageId", "outcome", "providerMessageId", "startedAt" FROM "OutboxAttempt";
DROP TABLE "OutboxAttempt";
ALTER TABLE "new_OutboxAttempt" RENAME TO "OutboxAttempt";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

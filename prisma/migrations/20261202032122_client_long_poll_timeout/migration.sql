-- AlterTable
ALTER TABLE "Client" ADD COLUMN "longPollTimeout" INTEGER NOT NULL DEFAULT 0;

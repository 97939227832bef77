-- DropIndex
DROP INDEX "OutboxMessage_tenantId_createdAt_idx";

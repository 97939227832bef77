-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "bindingMessagePolicy" TEXT NOT NULL DEFAULT 'optional',
ADD COLUMN     "defaultRequestedExpiry" INTEGER NOT NULL DEFAULT 300,
ADD COLUMN     "maxRequestedExpiry" INTEGER NOT NULL DEFAULT 259200,
ADD COLUMN     "pollInterval" INTEGER NOT NULL DEFAULT 5;

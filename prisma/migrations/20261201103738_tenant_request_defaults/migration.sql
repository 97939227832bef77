-- Tenant defaults for new applications and the ceiling of their maximum expiry.
ALTER TABLE "Tenant" ADD COLUMN "defaultRequestedExpiry" INTEGER NOT NULL DEFAULT 300;
ALTER TABLE "Tenant" ADD COLUMN "maxRequestedExpiry" INTEGER NOT NULL DEFAULT 259200;
ALTER TABLE "Tenant" ADD COLUMN "pollInterval" INTEGER NOT NULL DEFAULT 5;
ALTER TABLE "Tenant" ADD COLUMN "bindingMessagePolicy" TEXT NOT NULL DEFAULT 'optional';

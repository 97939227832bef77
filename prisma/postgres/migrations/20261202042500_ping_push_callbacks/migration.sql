-- AlterTable
ALTER TABLE "BackchannelRequest" ADD COLUMN     "callbackSecret" TEXT;

-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "notificationEndpoint" TEXT;

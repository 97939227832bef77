-- AlterTable
ALTER TABLE "BackchannelRequest" ADD COLUMN     "certificateThumbprint" TEXT;

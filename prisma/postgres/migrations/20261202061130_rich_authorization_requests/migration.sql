-- AlterTable
ALTER TABLE "BackchannelRequest" ADD COLUMN     "authorizationDetails" TEXT,
ADD COLUMN     "grantedAuthorizationDetails" TEXT;

-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "authorizationDetailsTypes" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "AuthorizationType" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "title" TEXT,
    "schema" TEXT NOT NULL,
    "template" TEXT,
    "partialApproval" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthorizationType_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthorizationType_tenantId_type_key" ON "AuthorizationType"("tenantId", "type");

-- AddForeignKey
ALTER TABLE "AuthorizationType" ADD CONSTRAINT "AuthorizationType_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

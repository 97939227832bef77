-- CreateTable
CREATE TABLE "ActivitySlot" (
    "tenantId" TEXT NOT NULL,
    "slotStart" TIMESTAMP(3) NOT NULL,
    "sealedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ActivitySlot_pkey" PRIMARY KEY ("tenantId","slotStart")
);

-- CreateTable
CREATE TABLE "ActivityRollup" (
    "tenantId" TEXT NOT NULL,
    "slotStart" TIMESTAMP(3) NOT NULL,
    "clientId" TEXT NOT NULL,
    "started" INTEGER NOT NULL,
    "approved" INTEGER NOT NULL,
    "denied" INTEGER NOT NULL,
    "expired" INTEGER NOT NULL,
    "cancelled" INTEGER NOT NULL,
    "decided" INTEGER NOT NULL,
    "decideTimes" TEXT NOT NULL,

    CONSTRAINT "ActivityRollup_pkey" PRIMARY KEY ("tenantId","slotStart","clientId")
);

-- CreateIndex
CREATE INDEX "ActivitySlot_slotStart_idx" ON "ActivitySlot"("slotStart");

-- CreateIndex
CREATE INDEX "ActivityRollup_clientId_idx" ON "ActivityRollup"("clientId");

-- AddForeignKey
ALTER TABLE "ActivitySlot" ADD CONSTRAINT "ActivitySlot_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityRollup" ADD CONSTRAINT "ActivityRollup_tenantId_slotStart_fkey" FOREIGN KEY ("tenantId", "slotStart") REFERENCES "ActivitySlot"("tenantId", "slotStart") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityRollup" ADD CONSTRAINT "ActivityRollup_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

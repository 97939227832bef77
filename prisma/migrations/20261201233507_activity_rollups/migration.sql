-- CreateTable
CREATE TABLE "ActivitySlot" (
    "tenantId" TEXT NOT NULL,
    "slotStart" DATETIME NOT NULL,
    "sealedAt" DATETIME NOT NULL,

    PRIMARY KEY ("tenantId", "slotStart"),
    CONSTRAINT "ActivitySlot_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ActivityRollup" (
    "tenantId" TEXT NOT NULL,
    "slotStart" DATETIME NOT NULL,
    "clientId" TEXT NOT NULL,
    "started" INTEGER NOT NULL,
    "approved" INTEGER NOT NULL,
    "denied" INTEGER NOT NULL,
    "expired" INTEGER NOT NULL,
    "cancelled" INTEGER NOT NULL,
    "decided" INTEGER NOT NULL,
    "decideTimes" TEXT NOT NULL,

    PRIMARY KEY ("tenantId", "slotStart", "clientId"),
    CONSTRAINT "ActivityRollup_tenantId_slotStart_fkey" FOREIGN KEY ("tenantId", "slotStart") REFERENCES "ActivitySlot" ("tenantId", "slotStart") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ActivityRollup_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ActivitySlot_slotStart_idx" ON "ActivitySlot"("slotStart");

-- CreateIndex
CREATE INDEX "ActivityRollup_clientId_idx" ON "ActivityRollup"("clientId");

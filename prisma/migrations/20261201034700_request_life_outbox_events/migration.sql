-- DropIndex
DROP INDEX "EmailMessage_requestId_idx";

-- DropIndex
DROP INDEX "EmailMessage_tenantId_createdAt_idx";

-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "EmailMessage";
PRAGMA foreign_keys=on;

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "requestId" TEXT,
    "type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "encryptedSecret" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" DATETIME NOT NULL,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "providerMessageId" TEXT,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    CONSTRAINT "OutboxMessage_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "OutboxMessage_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "BackchannelRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OutboxAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "messageId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "outcome" TEXT,
    "providerMessageId" TEXT,
    "error" TEXT,
    CONSTRAINT "OutboxAttempt_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "OutboxMessage" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "requestId" TEXT,
    "clientId" TEXT,
    "userId" TEXT,
    "detail" TEXT,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "Event_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_BackchannelRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "authReqIdHash" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "bindingMessage" TEXT,
    "acrValues" TEXT,
    "acr" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "interval" INTEGER NOT NULL,
    "lastPolledAt" DATETIME,
    "pollCount" INTEGER NOT NULL DEFAULT 0,
    "slowDownCount" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" DATETIME,
    "redeemedAt" DATETIME,
    "accessTokenJti" TEXT,
    "tokensRevokedAt" DATETIME,
    CONSTRAINT "BackchannelRequest_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BackchannelRequest_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BackchannelRequest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_BackchannelRequest" ("accessTokenJti", "acr", "acrValues", "authReqIdHash", "bindingMessage", "clientId", "createdAt", "decidedAt", "expiresAt", "id", "interval", "lastPolledAt", "redeemedAt", "scope", "status", "tenantId", "tokensRevokedAt", "userId") SELECT "accessTokenJti", "acr", "acrValues", "authReqIdHash", "bindingMessage", "clientId", "createdAt", "decidedAt", "expiresAt", "id", "interval", "lastPolledAt", "redeemedAt", "scope", "status", "tenantId", "tokensRevokedAt", "userId" FROM "BackchannelRequest";
DROP TABLE "BackchannelRequest";
ALTER TABLE "new_BackchannelRequest" RENAME TO "BackchannelRequest";
CREATE UNIQUE INDEX "BackchannelRequest_authReqIdHash_key" ON "BackchannelRequest"("authReqIdHash");
CREATE UNIQUE INDEX "BackchannelRequest_accessTokenJti_key" ON "BackchannelRequest"("accessTokenJti");
CREATE INDEX "BackchannelRequest_tenantId_status_expiresAt_idx" ON "BackchannelRequest"("tenantId", "status", "expiresAt");
CREATE INDEX "BackchannelRequest_status_expiresAt_idx" ON "BackchannelRequest"("status", "expiresAt");
CREATE INDEX "BackchannelRequest_userId_createdAt_idx" ON "BackchannelRequest"("userId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "OutboxMessage_status_availableAt_idx" ON "OutboxMessage"("status", "availableAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_requestId_idx" ON "OutboxMessage"("requestId");

-- CreateIndex
CREATE INDEX "OutboxMessage_tenantId_createdAt_idx" ON "OutboxMessage"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxAttempt_messageId_attempt_key" ON "OutboxAttempt"("messageId", "attempt");

-- CreateIndex
CREATE INDEX "Event_tenantId_createdAt_idx" ON "Event"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "Event_requestId_createdAt_idx" ON "Event"("requestId", "createdAt");

-- Closed sets checked by the database (edited by hand: Prisma enums are plain
-- TEXT on SQLite). Keep in step with the enums in prisma/schema.prisma.
CREATE TRIGGER "BackchannelRequest_status_insert_check" BEFORE INSERT ON "BackchannelRequest"
WHEN NEW."status" NOT IN ('pending', 'approved', 'denied', 'cancelled', 'expired', 'redeemed')
BEGIN SELECT RAISE(ABORT, 'BackchannelRequest.status: unknown value'); END;

CREATE TRIGGER "BackchannelRequest_status_update_check" BEFORE UPDATE OF "status" ON "BackchannelRequest"
WHEN NEW."status" NOT IN ('pending', 'approved', 'denied', 'cancelled', 'expired', 'redeemed')
BEGIN SELECT RAISE(ABORT, 'BackchannelRequest.status: unknown value'); END;

CREATE TRIGGER "OutboxMessage_status_insert_check" BEFORE INSERT ON "OutboxMessage"
WHEN NEW."status" NOT IN ('pending', 'delivered', 'failed')
BEGIN SELECT RAISE(ABORT, 'OutboxMessage.status: unknown value'); END;

CREATE TRIGGER "OutboxMessage_status_update_check" BEFORE UPDATE OF "status" ON "OutboxMessage"
WHEN NEW."status" NOT IN ('pending', 'delivered', 'failed')
BEGIN SELECT RAISE(ABORT, 'OutboxMessage.status: unknown value'); END;

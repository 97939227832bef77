import Database from 'better-sqlite3';
import { SQLITE_PRAGMAS } from '@/lib/db/sqlite-durability';
import { GroupCommitter } from '@/lib/store/group-commit';
import type { EmailMessage } from '@/lib/generated/sqlite/client';
import type { ClientRow, NewBackchannelRequest, PollRow, ProtocolStore, TenantRow, UserRow } from '@/lib/store/protocol-store';

/**
 * DateTime columns as Prisma's SQLite adapter writes them (ISO-8601 with an
 * explicit +00:00), so rows written here and by Prisma compare and sort alike.
 */
export const toSqliteDate = (date: Date): string => date.toISOString().replace('Z', '+00:00');
const fromSqliteDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

type RawPollRow = Omit<PollRow, 'lastPolledAt' | 'expiresAt' | 'decidedAt'> & {
  lastPolledAt: string | null;
  expiresAt: string;
  decidedAt: string | null;
};

const CLIENT_DATE_COLUMNS = ['createdAt', 'updatedAt'] as const;

/**
 * The SQLite protocol store: its own better-sqlite3 connection (WAL,
 * synchronous = FULL), prepared statements compiled once, writes group-committed.
 */
export const createSqliteProtocolStore = (filePath: string): ProtocolStore => {
  const db = new Database(filePath);
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
  db.pragma('busy_timeout = 0');
  const committer = new GroupCommitter(db);

  const statements = {
    epoch: db.prepare<[], { epoch: number }>('SELECT "epoch" FROM "SettingsEpoch" WHERE "id" = 1'),
    tenantBySlug: db.prepare<[string], TenantRow>('SELECT "id", "slug", "name" FROM "Tenant" WHERE "slug" = ?'),
    clientByClientId: db.prepare<[string], Record<string, unknown>>('SELECT * FROM "Client" WHERE "clientId" = ?'),
    userBySub: db.prepare<[string, string], UserRow>(
      'SELECT "id", "tenantId", "sub", "email", "emailVerified", "name" FROM "User" WHERE "tenantId" = ? AND "sub" = ?',
    ),
    userByEmail: db.prepare<[string, string], UserRow>(
      'SELECT "id", "tenantId", "sub", "email", "emailVerified", "name" FROM "User" WHERE "tenantId" = ? AND "email" = ?',
    ),
    requestForPoll: db.prepare<[string], RawPollRow>(
      `SELECT r."id", r."clientId", u."sub" AS "userSub", r."status", r."scope", r."acr", r."interval", r."lastPolledAt",
              r."expiresAt", r."decidedAt"
         FROM "BackchannelRequest" r JOIN "User" u ON u."id" = r."userId" WHERE r."authReqIdHash" = ?`,
    ),
    redeem: db.prepare<[string, string, string, string]>(
      `UPDATE "BackchannelRequest" SET "status" = 'redeemed', "redeemedAt" = ?, "accessTokenJti" = ?
        WHERE "id" = ? AND "status" = 'approved' AND "expiresAt" > ?`,
    ),
    revokeTokens: db.prepare<[string, string]>(
      `UPDATE "BackchannelRequest" SET "tokensRevokedAt" = ?
        WHERE "id" = ? AND "status" = 'redeemed' AND "tokensRevokedAt" IS NULL`,
    ),
    recordPoll: db.prepare<[string, number, string, string | null]>(
      `UPDATE "BackchannelRequest" SET "lastPolledAt" = ?, "interval" = "interval" + ?
        WHERE "id" = ? AND "lastPolledAt" IS ?`,
    ),
    insertRequest: db.prepare(
      `INSERT INTO "BackchannelRequest" ("id", "tenantId", "clientId", "userId", "authReqIdHash", "scope", "bindingMessage",
         "acrValues", "acr", "status", "interval", "expiresAt", "createdAt")
       VALUES (@id, @tenantId, @clientId, @userId, @authReqIdHash, @scope, @bindingMessage, @acrValues, @acr, 'pending',
         @interval, @expiresAt, @createdAt)`,
    ),
    insertEmail: db.prepare(
      `INSERT INTO "EmailMessage" ("id", "tenantId", "requestId", "to", "subject", "text", "html", "status",
         "providerMessageId", "error", "createdAt", "sentAt")
       VALUES (@id, @tenantId, @requestId, @to, @subject, @text, @html, @status, @providerMessageId, @error, @createdAt, @sentAt)`,
    ),
    updateEmailOutcome: db.prepare(
      `UPDATE "EmailMessage" SET "status" = @status, "providerMessageId" = @providerMessageId, "error" = @error,
         "sentAt" = @sentAt WHERE "id" = @id`,
    ),
    insertApprovalLink: db.prepare(
      `INSERT INTO "ApprovalLink" ("id", "requestId", "tokenHash", "channel", "createdAt") VALUES (?, ?, ?, ?, ?)`,
    ),
  };

  const toClientRow = (raw: Record<string, unknown>): ClientRow => {
    const row = { ...raw } as Record<string, unknown>;
    for (const column of CLIENT_DATE_COLUMNS) row[column] = new Date(raw[column] as string);

    return row as ClientRow;
  };
  const insertEmail = (message: EmailMessage): void => {
    statements.insertEmail.run({
      ...message,
      createdAt: toSqliteDate(message.createdAt),
      sentAt: message.sentAt === null ? null : toSqliteDate(message.sentAt),
    });
  };
  const toUserRow = (raw: UserRow | undefined): UserRow | null =>
    raw ? { ...raw, emailVerified: Boolean(raw.emailVerified) } : null;

  return {
    readSettingsEpoch: async () => statements.epoch.get()?.epoch ?? 0,
    findTenantBySlug: async (slug) => statements.tenantBySlug.get(slug) ?? null,
    findClientByClientId: async (clientId) => {
      const raw = statements.clientByClientId.get(clientId);

      return raw ? toClientRow(raw) : null;
    },
    findUserBySub: async (tenantId, sub) => toUserRow(statements.userBySub.get(tenantId, sub)),
    findUserByEmail: async (tenantId, email) => toUserRow(statements.userByEmail.get(tenantId, email)),
    findRequestForPoll: async (authReqIdHash) => {
      const raw = statements.requestForPoll.get(authReqIdHash);
      if (!raw) return null;

      return {
        ...raw,
        lastPolledAt: fromSqliteDate(raw.lastPolledAt),
        expiresAt: new Date(raw.expiresAt),
        decidedAt: fromSqliteDate(raw.decidedAt),
      };
    },
    recordPoll: ({ id, previousPolledAt, now, intervalIncrement }) => {
      const previous = previousPolledAt === null ? null : toSqliteDate(previousPolledAt);

      return committer.enqueue(
        () => statements.recordPoll.run(toSqliteDate(now), intervalIncrement, id, previous).changes === 1,
      );
    },
    createRequest: (request: NewBackchannelRequest) =>
      committer.enqueue(() => {
        const createdAt = toSqliteDate(request.createdAt);
        statements.insertRequest.run({
          id: request.id,
          tenantId: request.tenantId,
          clientId: request.clientId,
          userId: request.userId,
          authReqIdHash: request.authReqIdHash,
          scope: request.scope,
          bindingMessage: request.bindingMessage,
          acrValues: request.acrValues,
          acr: request.acr,
          interval: request.interval,
          expiresAt: toSqliteDate(request.expiresAt),
          createdAt,
        });
        statements.insertApprovalLink.run(
          request.approvalLink.id,
          request.id,
          request.approvalLink.tokenHash,
          request.approvalLink.channel,
          createdAt,
        );
        if (request.notification) insertEmail(request.notification);
      }),
    redeemRequest: ({ id, now, accessTokenJti }) => {
      const at = toSqliteDate(now);

      return committer.enqueue(() => statements.redeem.run(at, accessTokenJti, id, at).changes === 1);
    },
    revokeRedeemedTokens: async ({ id, now }) => {
      await committer.enqueue(() => statements.revokeTokens.run(toSqliteDate(now), id));
    },
    recordEmail: (message) => committer.enqueue(() => insertEmail(message)),
    recordEmailOutcome: (id, outcome) =>
      committer.enqueue(() => {
        statements.updateEmailOutcome.run({
          id,
          ...outcome,
          sentAt: outcome.sentAt === null ? null : toSqliteDate(outcome.sentAt),
        });
      }),
    close: async () => {
      db.close();
    },
  };
};

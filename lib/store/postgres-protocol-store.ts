import pg from 'pg';
import type { EmailMessage } from '@/lib/generated/sqlite/client';
import type { ClientRow, PollRow, ProtocolStore, TenantRow, UserRow } from '@/lib/store/protocol-store';

/** PostgreSQL type OID of `timestamp without time zone`, which Prisma uses for DateTime (always UTC). */
const TIMESTAMP_OID = 1114;

/**
 * Prisma stores DateTime as UTC in `timestamp(3)` without a zone; read it as
 * UTC whatever the process's time zone. Writes pass ISO-8601 strings, whose
 * zone PostgreSQL ignores for this type: the UTC wall time is what is stored.
 */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID && format !== 'binary'
      ? (value: string) => new Date(`${value.replace(' ', 'T')}Z`)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const utc = (date: Date | null): string | null => (date === null ? null : date.toISOString());

const USER_COLUMNS = '"id", "tenantId", "sub", "email", "emailVerified", "name"';

const EMAIL_COLUMNS =
  '"id", "tenantId", "requestId", "to", "subject", "text", "html", "status", "providerMessageId", "error", "createdAt", "sentAt"';

const emailValues = (message: EmailMessage) => [
  message.id,
  message.tenantId,
  message.requestId,
  message.to,
  message.subject,
  message.text,
  message.html,
  message.status,
  message.providerMessageId,
  message.error,
  utc(message.createdAt),
  utc(message.sentAt),
];

/**
 * Inserts a request, its approval link and (when given) its email in ONE
 * statement, so it is atomic without a transaction's extra round trips.
 * Parameters: $1–$12 the request, $13–$15 the link, $16–$27 the email.
 */
const INSERT_REQUEST_SQL = `
  WITH request AS (
    INSERT INTO "BackchannelRequest" ("id", "tenantId", "clientId", "userId", "authReqIdHash", "scope", "bindingMessage",
      "acrValues", "acr", "status", "interval", "expiresAt", "createdAt")
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10::integer, $11::timestamp(3), $12::timestamp(3))
    RETURNING "id", "createdAt"
  ), link AS (
    INSERT INTO "ApprovalLink" ("id", "requestId", "tokenHash", "channel", "createdAt")
    SELECT $13::text, "id", $14::text, $15::text, "createdAt" FROM request
  )
  INSERT INTO "EmailMessage" (${EMAIL_COLUMNS})
  SELECT $16::text, $17::text, "id", $19::text, $20::text, $21::text, $22::text, $23::text, $24::text, $25::text,
    $26::timestamp(3), $27::timestamp(3)
  FROM request WHERE $16::text IS NOT NULL AND "id" = COALESCE($18::text, "id")`;

/**
 * The PostgreSQL protocol store: its own pool, named (server-side prepared)
 * statements, one round trip per operation. PostgreSQL commits durably and
 * batches concurrent commits' WAL flushes itself.
 */
export const createPostgresProtocolStore = (databaseUrl: string): ProtocolStore => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, types: typeParsers });
  pool.on('error', (error) => console.error('[backchannel] idle PostgreSQL connection failed:', error.message));
  const query = async <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) =>
    pool.query<R>({ name, text, values });
  const first = async <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) =>
    (await query<R>(name, text, values)).rows[0] ?? null;

  return {
    readSettingsEpoch: async () =>
      (await first<{ epoch: number }>('epoch', 'SELECT "epoch" FROM "SettingsEpoch" WHERE "id" = 1', []))?.epoch ?? 0,
    findTenantBySlug: (slug) =>
      first<TenantRow>('tenant-by-slug', 'SELECT "id", "slug", "name" FROM "Tenant" WHERE "slug" = $1', [slug]),
    findClientByClientId: (clientId) =>
      first<ClientRow>('client-by-client-id', 'SELECT * FROM "Client" WHERE "clientId" = $1', [clientId]),
    findUserBySub: (tenantId, sub) =>
      first<UserRow>('user-by-sub', `SELECT ${USER_COLUMNS} FROM "User" WHERE "tenantId" = $1 AND "sub" = $2`, [tenantId, sub]),
    findUserByEmail: (tenantId, email) =>
      first<UserRow>('user-by-email', `SELECT ${USER_COLUMNS} FROM "User" WHERE "tenantId" = $1 AND "email" = $2`, [
        tenantId,
        email,
      ]),
    findRequestForPoll: (authReqIdHash) =>
      first<PollRow>(
        'request-for-poll',
        `SELECT r."id", r."clientId", u."sub" AS "userSub", r."status", r."scope", r."acr", r."interval", r."lastPolledAt",
                r."expiresAt", r."decidedAt"
           FROM "BackchannelRequest" r JOIN "User" u ON u."id" = r."userId" WHERE r."authReqIdHash" = $1`,
        [authReqIdHash],
      ),
    recordPoll: async ({ id, previousPolledAt, now, intervalIncrement }) =>
      (
        await query(
          'record-poll',
          `UPDATE "BackchannelRequest" SET "lastPolledAt" = $1, "interval" = "interval" + $2
            WHERE "id" = $3 AND "lastPolledAt" IS NOT DISTINCT FROM $4::timestamp(3)`,
          [utc(now), intervalIncrement, id, utc(previousPolledAt)],
        )
      ).rowCount === 1,
    createRequest: async (request) => {
      const email = request.notification ? emailValues(request.notification) : Array.from({ length: 12 }, () => null);
      await query('insert-request', INSERT_REQUEST_SQL, [
        request.id,
        request.tenantId,
        request.clientId,
        request.userId,
        request.authReqIdHash,
        request.scope,
        request.bindingMessage,
        request.acrValues,
        request.acr,
        request.interval,
        utc(request.expiresAt),
        utc(request.createdAt),
        request.approvalLink.id,
        request.approvalLink.tokenHash,
        request.approvalLink.channel,
        ...email,
      ]);
    },
    redeemRequest: async ({ id, now, accessTokenJti }) =>
      (
        await query(
          'redeem-request',
          `UPDATE "BackchannelRequest" SET "status" = 'redeemed', "redeemedAt" = $1::timestamp(3), "accessTokenJti" = $2
            WHERE "id" = $3 AND "status" = 'approved' AND "expiresAt" > $1::timestamp(3)`,
          [utc(now), accessTokenJti, id],
        )
      ).rowCount === 1,
    revokeRedeemedTokens: async ({ id, now }) => {
      await query(
        'revoke-redeemed-tokens',
        `UPDATE "BackchannelRequest" SET "tokensRevokedAt" = $1
          WHERE "id" = $2 AND "status" = 'redeemed' AND "tokensRevokedAt" IS NULL`,
        [utc(now), id],
      );
    },
    recordEmail: async (message) => {
      await query(
        'insert-email',
        `INSERT INTO "EmailMessage" (${EMAIL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        emailValues(message),
      );
    },
    recordEmailOutcome: async (id, outcome) => {
      await query(
        'update-email-outcome',
        'UPDATE "EmailMessage" SET "status" = $2, "providerMessageId" = $3, "error" = $4, "sentAt" = $5 WHERE "id" = $1',
        [id, outcome.status, outcome.providerMessageId, outcome.error, utc(outcome.sentAt)],
      );
    },
    close: async () => {
      await pool.end();
    },
  };
};

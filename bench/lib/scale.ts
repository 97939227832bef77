// Bulk-loads historical and pending CIBA requests straight into Backchannel's
// SQLite file (the server must be stopped), for the --scale check.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

const sha256Base64Url = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

/** Builds a formatter producing DateTime text exactly like a row the server wrote. */
const dateFormatFrom = (sample: unknown): ((d: Date) => string | number) => {
  if (typeof sample === 'number') return (d) => d.getTime();
  const text = String(sample);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/.test(text)) return (d) => d.toISOString().replace('Z', '+00:00');
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(text)) return (d) => d.toISOString();
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text)) return (d) => d.toISOString().slice(0, 19).replace('T', ' ');
  throw new Error(`unrecognised DateTime format in BackchannelRequest: ${JSON.stringify(sample)}`);
};

const KNOWN = new Set([
  'id',
  'tenantId',
  'clientId',
  'userId',
  'authReqIdHash',
  'scope',
  'bindingMessage',
  'acrValues',
  'acr',
  'status',
  'interval',
  'lastPolledAt',
  'expiresAt',
  'createdAt',
  'decidedAt',
  'redeemedAt',
  'accessTokenJti',
  'tokensRevokedAt',
]);

export type BulkLoadResult = {
  pendingAuthReqIds: string[];
  inserted: { redeemed: number; denied: number; expired: number; pending: number };
  totalRows: number;
  dateFormatSample: string;
  seconds: number;
};

/**
 * Inserts `historical` finished requests (60 % approved→redeemed, 20 % denied,
 * 20 % expired while pending) and `pending` live ones. Returns the auth_req_ids
 * of the pending ones (only their hashes are stored, as the server does).
 */
export const bulkLoad = (
  dbFile: string,
  options: { historical: number; pending: number; interval: number; progress: (line: string) => void },
): BulkLoadResult => {
  const started = Date.now();
  const db = new Database(dbFile);
  // The loader is not measured and the server is stopped: no journal, no
  // fsync, a big cache; WAL is switched back on at the end.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  const columns = db.prepare('PRAGMA table_info("BackchannelRequest")').all() as {
    name: string;
    notnull: number;
    dflt_value: unknown;
  }[];
  const unknownRequired = columns.filter((c) => !KNOWN.has(c.name) && c.notnull && c.dflt_value === null);
  if (unknownRequired.length) {
    throw new Error(`BackchannelRequest has new required columns: ${unknownRequired.map((c) => c.name).join(', ')}`);
  }
  const sample = db
    .prepare(
      'SELECT "tenantId", "clientId", "userId", "createdAt", "expiresAt", "scope", "acr" FROM "BackchannelRequest" ORDER BY "createdAt" DESC LIMIT 1',
    )
    .get() as Record<string, unknown> | undefined;
  if (!sample) throw new Error('no BackchannelRequest written by the server to copy formats from');
  const fmt = dateFormatFrom(sample.createdAt);
  const fmtCheck = fmt(new Date());
  if (typeof fmtCheck !== typeof sample.expiresAt) throw new Error('createdAt and expiresAt formats differ');
  const users = (db.prepare('SELECT "id" FROM "User" WHERE "tenantId" = ?').all(sample.tenantId) as { id: string }[]).map(
    (u) => u.id,
  );

  // Secondary indexes are dropped and re-created with their exact SQL (a
  // sorted build instead of 1.1M random B-tree inserts).
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'BackchannelRequest' AND sql IS NOT NULL")
    .all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);

  const insert = db.prepare(`INSERT INTO "BackchannelRequest"
    ("id", "tenantId", "clientId", "userId", "authReqIdHash", "scope", "bindingMessage", "acr", "status", "interval",
     "lastPolledAt", "expiresAt", "createdAt", "decidedAt", "redeemedAt", "accessTokenJti")
    VALUES (@id, @tenantId, @clientId, @userId, @authReqIdHash, @scope, @bindingMessage, @acr, @status, @interval,
     @lastPolledAt, @expiresAt, @createdAt, @decidedAt, @redeemedAt, @accessTokenJti)`);

  const now = Date.now();
  const DAY = 86_400_000;
  const inserted = { redeemed: 0, denied: 0, expired: 0, pending: 0 };
  const pendingAuthReqIds: string[] = [];
  const total = options.historical + options.pending;
  const BATCH = 100_000;
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const isPending = i >= options.historical;
      const authReqId = randomBytes(32).toString('base64url');
      let row: Record<string, unknown>;
      const base = {
        id: randomUUID(),
        tenantId: sample.tenantId,
        clientId: sample.clientId,
        userId: users[i % users.length],
        authReqIdHash: sha256Base64Url(authReqId),
        scope: 'openid',
        bindingMessage: `BM${i % 10000}`,
        acr: sample.acr ?? null,
        interval: options.interval,
        lastPolledAt: null,
        decidedAt: null,
        redeemedAt: null,
        accessTokenJti: null,
      };
      if (isPending) {
        pendingAuthReqIds.push(authReqId);
        inserted.pending += 1;
        row = { ...base, status: 'pending', createdAt: fmt(new Date(now - 60_000)), expiresAt: fmt(new Date(now + DAY)) };
      } else {
        const createdMs = now - 2 * DAY - Math.floor(Math.random() * 30 * DAY);
        const kind = i % 5; // 0-2 redeemed, 3 denied, 4 expired
        const createdAt = fmt(new Date(createdMs));
        const expiresAt = fmt(new Date(createdMs + 300_000));
        if (kind <= 2) {
          inserted.redeemed += 1;
          row = {
            ...base,
            status: 'redeemed',
            createdAt,
            expiresAt,
            lastPolledAt: fmt(new Date(createdMs + 20_000)),
            decidedAt: fmt(new Date(createdMs + 15_000)),
            redeemedAt: fmt(new Date(createdMs + 20_000)),
            accessTokenJti: randomUUID(),
          };
        } else if (kind === 3) {
          inserted.denied += 1;
          row = { ...base, status: 'denied', createdAt, expiresAt, decidedAt: fmt(new Date(createdMs + 15_000)) };
        } else {
          inserted.expired += 1;
          row = { ...base, status: 'pending', createdAt, expiresAt, lastPolledAt: fmt(new Date(createdMs + 295_000)) };
        }
      }
      insert.run(row);
    }
  });
  for (let from = 0; from < total; from += BATCH) {
    insertBatch(from, Math.min(total, from + BATCH));
    if ((from / BATCH) % 3 === 2 || from + BATCH >= total) {
      options.progress(`  inserted ${Math.min(total, from + BATCH).toLocaleString('en')} / ${total.toLocaleString('en')} rows`);
    }
  }
  options.progress(`  re-creating ${indexes.length} indexes (${indexes.map((i) => i.name).join(', ')})`);
  for (const index of indexes) db.exec(index.sql);
  // No ANALYZE: the server never runs it, so the planner sees what production sees.
  db.pragma('journal_mode = WAL');
  const totalRows = (db.prepare('SELECT count(*) AS n FROM "BackchannelRequest"').get() as { n: number }).n;
  db.close();

  return {
    pendingAuthReqIds,
    inserted,
    totalRows,
    dateFormatSample: String(sample.createdAt),
    seconds: (Date.now() - started) / 1000,
  };
};

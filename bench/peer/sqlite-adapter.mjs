// A persistent node-oidc-provider adapter on SQLite (better-sqlite3), for the
// benchmark peer. One table keyed by (model, id) with the JSON payload and
// expiresAt, plus the secondary columns the adapter contract looks up by:
// grantId (revokeByGrantId), userCode (findByUserCode), uid (findByUid).
// WAL, with `synchronous` set by the caller to Backchannel's level.
import Database from 'better-sqlite3';

const connections = new Map();

/** Opens (once per path) the shared connection and prepares the statements. */
export const openStore = (file, { synchronous = 'FULL', busyTimeoutMs = 10_000 } = {}) => {
  const existing = connections.get(file);
  if (existing) return existing;
  const db = new Database(file, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(`
    CREATE TABLE IF NOT EXISTS oidc (
      model     TEXT NOT NULL,
      id        TEXT NOT NULL,
      payload   TEXT NOT NULL,
      grantId   TEXT,
      userCode  TEXT,
      uid       TEXT,
      expiresAt INTEGER,
      PRIMARY KEY (model, id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS oidc_grantId ON oidc (grantId) WHERE grantId IS NOT NULL;
    CREATE INDEX IF NOT EXISTS oidc_userCode ON oidc (model, userCode) WHERE userCode IS NOT NULL;
    CREATE INDEX IF NOT EXISTS oidc_uid ON oidc (model, uid) WHERE uid IS NOT NULL;
    CREATE INDEX IF NOT EXISTS oidc_expiresAt ON oidc (expiresAt) WHERE expiresAt IS NOT NULL;
    CREATE TABLE IF NOT EXISTS outbox (
      id        TEXT NOT NULL PRIMARY KEY,
      requestId TEXT NOT NULL,
      "to"      TEXT NOT NULL,
      subject   TEXT NOT NULL,
      text      TEXT NOT NULL,
      html      TEXT NOT NULL,
      createdAt INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS outbox_requestId ON outbox (requestId);
  `);
  const store = {
    db,
    synchronous: db.pragma('synchronous', { simple: true }),
    upsert: db.prepare(`
      INSERT INTO oidc (model, id, payload, grantId, userCode, uid, expiresAt)
      VALUES (@model, @id, @payload, @grantId, @userCode, @uid, @expiresAt)
      ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grantId = excluded.grantId,
        userCode = excluded.userCode, uid = excluded.uid, expiresAt = excluded.expiresAt`),
    find: db.prepare('SELECT payload, expiresAt FROM oidc WHERE model = ? AND id = ?'),
    findByUserCode: db.prepare('SELECT payload, expiresAt FROM oidc WHERE model = ? AND userCode = ?'),
    findByUid: db.prepare('SELECT payload, expiresAt FROM oidc WHERE model = ? AND uid = ?'),
    consume: db.prepare("UPDATE oidc SET payload = json_set(payload, '$.consumed', ?) WHERE model = ? AND id = ?"),
    destroy: db.prepare('DELETE FROM oidc WHERE model = ? AND id = ?'),
    revokeByGrantId: db.prepare('DELETE FROM oidc WHERE grantId = ?'),
    insertOutbox: db.prepare(
      'INSERT INTO outbox (id, requestId, "to", subject, text, html, createdAt) VALUES (@id, @requestId, @to, @subject, @text, @html, @createdAt)',
    ),
  };
  connections.set(file, store);
  return store;
};

export const closeStores = () => {
  for (const store of connections.values()) store.db.close();
  connections.clear();
};

const epochSeconds = () => Math.floor(Date.now() / 1000);

const live = (row) => {
  if (!row) return undefined;
  if (row.expiresAt !== null && row.expiresAt <= Date.now()) return undefined;
  return JSON.parse(row.payload);
};

/** Returns an adapter class bound to one SQLite file (provider config `adapter`). */
export const sqliteAdapter = (file, options) => {
  const store = openStore(file, options);

  return class SqliteAdapter {
    constructor(model) {
      this.model = model;
    }

    async upsert(id, payload, expiresIn) {
      store.upsert.run({
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        expiresAt: typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : null,
      });
    }

    async find(id) {
      return live(store.find.get(this.model, id));
    }

    async findByUserCode(userCode) {
      return live(store.findByUserCode.get(this.model, userCode));
    }

    async findByUid(uid) {
      return live(store.findByUid.get(this.model, uid));
    }

    async consume(id) {
      store.consume.run(epochSeconds(), this.model, id);
    }

    async destroy(id) {
      store.destroy.run(this.model, id);
    }

    async revokeByGrantId(grantId) {
      store.revokeByGrantId.run(grantId);
    }
  };
};

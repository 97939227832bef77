import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { disconnectDb, getDb, type Db } from '@/lib/db/client';
import { getBaseEnv, sqliteFilePath } from '@/lib/env';
import { closeProtocolData } from '@/lib/store/get-protocol-store';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { applyMigrations } from '@/scripts/migrations/migrate';

/**
 * Backups and restores as the README tells an operator to make them, of a
 * database that is being written to meanwhile:
 * - SQLite: `backchannel backup --to FILE` (the executable, in a child
 *   process) while this process keeps starting requests; restored by pointing
 *   DATABASE_URL at the copy.
 * - PostgreSQL (the PostgreSQL pass, TEST_POSTGRES_URL, with pg_dump installed):
 *   `pg_dump --format=custom` while requests are started, `pg_restore` into a
 *   fresh database, DATABASE_URL pointed at it.
 * Either way the restored database must hold the tenant, its users, a client
 * that still authenticates with its secret, the pending requests started before
 * the backup (polled: authorization_pending), only whole requests (each with
 * its approval link and approval email: one transaction, all or nothing), no
 * pending migration — and mint tokens (its signing keys open with the same
 * key-encryption key).
 */

const ROOT = resolve(__dirname, '../..');
const SLUG = 'restored';
const POSTGRES_URL = process.env.TEST_POSTGRES_URL?.trim();

const hasTool = (tool: string): boolean => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });

    return true;
  } catch {
    return false;
  }
};

type Seeded = { client: ClientCredentials; userEmails: string[]; startedBefore: string[] };

const seed = async (db: Db): Promise<Seeded> => {
  await createTenant(db, CLI_PRINCIPAL, { slug: SLUG, name: 'Restored' });
  await turnOffAbuseLimits(db, SLUG);
  const client = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, metadata: { client_name: 'Desk' } }));
  const userEmails: string[] = [];
  for (let index = 0; index < 3; index += 1) {
    userEmails.push((await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: `u${index}@restore.test` })).email);
  }
  const startedBefore: string[] = [];
  for (const email of userEmails) startedBefore.push(await start(client, email));

  return { client, userEmails, startedBefore };
};

/** bc-authorize for `email`; its auth_req_id. */
const start = async (client: ClientCredentials, email: string): Promise<string> => {
  const result = await call(formRequest(`/t/${SLUG}/bc-authorize`, { scope: 'openid', login_hint: email }, { auth: client }));
  expect(result.status, JSON.stringify(result.json)).toBe(200);

  return result.json.auth_req_id as string;
};

/** Starts requests one after another until `stop()`; how many were admitted. */
const keepWriting = (client: ClientCredentials, email: string) => {
  let running = true;
  let admitted = 0;
  const loop = (async () => {
    while (running) {
      await start(client, email);
      admitted += 1;
    }
  })();

  return {
    admitted: () => admitted,
    stop: async () => {
      running = false;
      await loop;

      return admitted;
    },
  };
};

/** Points the app's modules at another database. */
const switchDatabase = async (databaseUrl: string) => {
  await closeProtocolData();
  await disconnectDb();
  process.env.DATABASE_URL = databaseUrl;
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

/** What every restore must hold (see the file's comment). */
const expectRestored = async (seeded: Seeded, options: { admittedAtMost: number }) => {
  const db = getDb();
  const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: SLUG } });
  expect((await db.user.findMany({ where: { tenantId: tenant.id }, orderBy: { email: 'asc' } })).map((u) => u.email)).toEqual(
    seeded.userEmails,
  );
  // Whole requests only: each with its approval link and its approval email.
  const requests = await db.backchannelRequest.count({ where: { tenantId: tenant.id } });
  expect(requests).toBeGreaterThanOrEqual(seeded.startedBefore.length);
  expect(requests).toBeLessThanOrEqual(seeded.startedBefore.length + options.admittedAtMost);
  expect(await db.approvalLink.count()).toBe(requests);
  expect(await db.outboxMessage.count({ where: { type: 'approval_email' } })).toBe(requests);
  // The client authenticates with its secret; the requests started before the backup are pending.
  for (const authReqId of seeded.startedBefore) {
    const poll = await call(
      formRequest(`/t/${SLUG}/oauth/token`, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: seeded.client }),
    );
    expect(poll.status, JSON.stringify(poll.json)).toBe(400);
    expect(poll.json.error).toBe('authorization_pending');
  }
  // Wrong secret: still refused (the restored client is the same client, not a lenient copy).
  const wrong = await call(
    formRequest(
      `/t/${SLUG}/oauth/token`,
      { grant_type: CIBA_GRANT_TYPE, auth_req_id: seeded.startedBefore[0] },
      { auth: { ...seeded.client, clientSecret: 'not-the-secret' } },
    ),
  );
  expect(wrong.status).toBe(401);
  // Tokens are minted with the restored signing keys.
  const request = await db.backchannelRequest.findFirstOrThrow({ where: { tenantId: tenant.id }, orderBy: { id: 'asc' } });
  expect(
    (await completeBackchannelRequest(testStore(), { requestId: request.id, decision: 'approve', actor: TEST_ACTOR })).ok,
  ).toBe(true);
  const redeemed = await call(
    formRequest(
      `/t/${SLUG}/oauth/token`,
      { grant_type: CIBA_GRANT_TYPE, auth_req_id: seeded.startedBefore[0] },
      { auth: seeded.client },
    ),
  );
  expect(redeemed.status, JSON.stringify(redeemed.json)).toBe(200);
  expect(typeof redeemed.json.id_token).toBe('string');
  // Nothing to migrate: the migration history came along.
  expect((await applyMigrations()).applied).toEqual([]);
};

describe.skipIf(POSTGRES_URL !== undefined && POSTGRES_URL !== '')(
  'SQLite: backchannel backup while requests are written, then restore',
  () => {
    let cleanup: () => Promise<void>;
    let seeded: Seeded;

    beforeAll(async () => {
      let db: Db;
      ({ db, cleanup } = await useTestDatabase());
      seeded = await seed(db);
    });

    afterAll(async () => cleanup());

    it('copies a live database consistently (mode 0600, one self-contained file) and the copy serves as the database', async () => {
      const { dataDir, databaseUrl } = getBaseEnv();
      const backupPath = join(dataDir, 'nightly.db');
      const writer = keepWriting(seeded.client, seeded.userEmails[1]);
      // Writes are under way before the backup starts…
      while (writer.admitted() < 3) await new Promise((settle) => setTimeout(settle, 5));
      const child = spawn(process.execPath, [join(ROOT, 'bin/backchannel.mjs'), 'backup', '--to', backupPath, '--json'], {
        cwd: ROOT,
        env: { ...process.env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const startedDuringBackup = writer.admitted();
      const code = await new Promise<number | null>((settle) => child.on('close', settle));
      // … and go on while it runs.
      const admitted = await writer.stop();
      expect(code, stderr).toBe(0);
      expect(admitted).toBeGreaterThan(startedDuringBackup);

      const document = JSON.parse(stdout) as { path: string; database: string; source: string; bytes: number; pages: number };
      expect(stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(document).toMatchObject({ path: backupPath, database: 'sqlite', source: sqliteFilePath(databaseUrl) });
      expect(document.bytes).toBe(statSync(backupPath).size);
      expect(statSync(backupPath).mode & 0o777).toBe(0o600);
      const copy = new Database(backupPath, { readonly: true });
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      copy.close();
      expect(existsSync(`${backupPath}-wal`)).toBe(false);

      await switchDatabase(`file:${backupPath}`);
      await expectRestored(seeded, { admittedAtMost: admitted });
    });
  },
);

describe.runIf(POSTGRES_URL !== undefined && POSTGRES_URL !== '' && hasTool('pg_dump') && hasTool('pg_restore'))(
  'PostgreSQL: pg_dump while requests are written, pg_restore into a fresh database',
  () => {
    let cleanup: () => Promise<void>;
    let seeded: Seeded;
    const restoredName = `backchannel_restored_${process.pid}_${Date.now()}`;

    beforeAll(async () => {
      let db: Db;
      ({ db, cleanup } = await useTestDatabase());
      seeded = await seed(db);
    });

    afterAll(async () => {
      await cleanup();
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
      await admin.end();
    });

    it('restores with the README’s commands and the restored database serves', async () => {
      const { databaseUrl, dataDir } = getBaseEnv();
      const dump = join(dataDir, 'backchannel.dump');
      const writer = keepWriting(seeded.client, seeded.userEmails[1]);
      while (writer.admitted() < 3) await new Promise((settle) => setTimeout(settle, 5));
      const dumped = await new Promise<{ code: number | null; stderr: string }>((settle) => {
        const child = spawn('pg_dump', ['--format=custom', `--file=${dump}`, databaseUrl]);
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => settle({ code, stderr }));
      });
      const admitted = await writer.stop();
      expect(dumped.code, dumped.stderr).toBe(0);

      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${restoredName}`);
      await admin.end();
      const restoredUrl = new URL(POSTGRES_URL!);
      restoredUrl.pathname = `/${restoredName}`;
      execFileSync('pg_restore', ['--no-owner', `--dbname=${restoredUrl.toString()}`, dump], { stdio: 'pipe' });

      await switchDatabase(restoredUrl.toString());
      await expectRestored(seeded, { admittedAtMost: admitted });
    });
  },
);

// `npx tsx --expose-gc bench/memory.ts [--pg]` — where Backchannel's resident memory goes: the
// production server assembled step by step in this one process (what `npm start` loads, in the
// same order), with process.memoryUsage() after each step (after a full GC when --expose-gc is
// given). Needs a production build (.next/BUILD_ID). SQLite in a temporary directory by default;
// --pg uses a fresh database on 127.0.0.1:5432 (user postgres), dropped afterwards.
// See bench/README.md ("Where the memory goes").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG = process.argv.includes('--pg');
const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const MB = 1024 * 1024;

type Step = { step: string; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
const steps: Step[] = [];
const gc = (globalThis as { gc?: () => void }).gc;

const measure = (step: string) => {
  gc?.();
  const usage = process.memoryUsage();
  steps.push({
    step,
    rss: usage.rss / MB,
    heapUsed: usage.heapUsed / MB,
    heapTotal: usage.heapTotal / MB,
    external: usage.external / MB,
    arrayBuffers: usage.arrayBuffers / MB,
  });
};

const main = async () => {
  measure('node + tsx (baseline)');
  const dataDir = mkdtempSync(join(tmpdir(), 'backchannel-memory-'));
  let database: string | undefined;
  (process.env as Record<string, string>).NODE_ENV = 'production';
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  process.env.BACKCHANNEL_DATA_DIR = dataDir;
  process.env.HOST = '127.0.0.1';
  process.env.PORT = '4449';
  process.env.APP_URL = 'http://localhost:3999';
  delete process.env.RESEND_API_KEY;
  if (PG) {
    database = `backchannel_memory_${Date.now()}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${database}`;
  } else {
    delete process.env.DATABASE_URL;
  }
  try {
    const { applyMigrations } = await import('@/scripts/migrations/migrate');
    await applyMigrations();
    measure('+ migrations applied (env, migration runner)');

    const { getProtocolData } = await import('@/lib/store/get-protocol-store');
    const { store } = getProtocolData();
    await store.readSettingsEpoch();
    measure('+ protocol store (kysely queries, better-sqlite3 / pg pool)');

    const { getDb } = await import('@/lib/db/client');
    await getDb().tenant.count();
    measure('+ Prisma client (generated clients, driver adapter, query compiler WASM)');

    const { createTenant } = await import('@/lib/admin/create-tenant');
    const { createClient } = await import('@/lib/admin/create-client');
    const { CLI_PRINCIPAL } = await import('@/lib/auth/principal');
    await createTenant(getDb(), CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
    await createClient(getDb(), CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } });
    measure('+ admin domain modules, a tenant and a client');

    const { startServer } = await import('../server');
    const server = await startServer({ port: 4449, hostname: '127.0.0.1' });
    measure('+ Next.js prepared and the HTTP layer listening (server.ts)');

    const base = `http://127.0.0.1:${server.address.port}`;
    await fetch(`${base}/t/acme/.well-known/openid-configuration`).then((r) => r.text());
    measure('+ the first protocol request (discovery, through the lean HTTP layer)');
    for (let i = 0; i < 500; i += 1) await fetch(`${base}/t/acme/.well-known/openid-configuration`).then((r) => r.text());
    measure('+ 500 more discovery requests');
    await fetch(`${base}/t/acme/.well-known/jwks.json`).then((r) => r.text());
    measure('+ JWKS (signing keys decrypted and imported)');

    for (const path of ['/admin/sign-in', '/admin', '/t/acme/approve/unknown-token']) {
      await fetch(`${base}${path}`, { redirect: 'manual' }).then((r) => r.text());
    }
    measure('+ Next.js pages rendered once (sign-in, console redirect, approval page)');

    await server.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (database) {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  }
  const fmt = (value: number) => value.toFixed(1).padStart(7);
  console.log(
    `\nBackchannel memory, step by step (${PG ? 'PostgreSQL' : 'SQLite'}; MiB${gc ? ', after a full GC each' : ', no --expose-gc'}):`,
  );
  console.log(`${'step'.padEnd(78)}    rss   Δrss heapUsed external arrayBuf`);
  steps.forEach((step, index) => {
    const delta = index === 0 ? step.rss : step.rss - steps[index - 1].rss;
    console.log(
      `${step.step.padEnd(78)}${fmt(step.rss)}${fmt(delta)}${fmt(step.heapUsed)}${fmt(step.external)}${fmt(step.arrayBuffers)}`,
    );
  });
  process.exit(0);
};

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Event retention (ProtocolStore.pruneEvents), run against SQLite and — in
// npm test's PostgreSQL pass (TEST_POSTGRES_URL) — PostgreSQL, from this one file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { buildEvent } from '@/lib/events/build-event';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { EVENT_PRUNE_BATCH_LIMIT, type ProtocolStore } from '@/lib/store/protocol-store';
import { useTestDatabase } from '@/lib/testing/test-database';

const onSqlite = !process.env.TEST_POSTGRES_URL;
const DAY_MS = 24 * 60 * 60 * 1000;

describe(`event retention (${onSqlite ? 'SQLite' : 'PostgreSQL'})`, () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let store: ProtocolStore;
  let tenantId: string;

  beforeAll(async () => {
    ({ db, cleanup } = await useTestDatabase());
    tenantId = (await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' })).id;
    store = getProtocolData().store;
  });

  afterAll(async () => cleanup());

  const slowDownAt = (at: Date, subject: { tenantId: string; requestId?: string }) =>
    buildEvent('ciba_slow_down', subject, { interval: 10 }, at);

  it('deletes events created before the cutoff, oldest first, in bounded batches, and keeps the rest', async () => {
    const now = new Date();
    const cutoff = new Date(now.getTime() - 30 * DAY_MS);
    // 2,500 old events, one a second before the cutoff (the newest 1 ms before it), a few without a tenant.
    const old = Array.from({ length: 2500 }, (_, i) =>
      slowDownAt(new Date(cutoff.getTime() - 1 - i * 1000), { tenantId, requestId: `request-${i}` }),
    );
    const oldOutsideTenants = { ...old[2499], tenantId: null };
    const recent = [cutoff, new Date(cutoff.getTime() + 1), now].map((at) => slowDownAt(at, { tenantId }));
    await db.event.createMany({ data: [...old.slice(0, 2499), oldOutsideTenants, ...recent] });
    const adminEvents = await db.event.count({ where: { type: 'tenant_created' } });
    expect(adminEvents).toBe(1);

    // A batch is at most EVENT_PRUNE_BATCH_LIMIT rows, whatever is asked; the run stops after maxBatches.
    expect(await store.pruneEvents({ before: cutoff, batchSize: 5000, maxBatches: 2 })).toBe(2 * EVENT_PRUNE_BATCH_LIMIT);
    const left = await db.event.findMany({ where: { type: 'ciba_slow_down', createdAt: { lt: cutoff } }, select: { id: true } });
    // The oldest went first: what is left are the newest 500 of the old ones.
    expect(left.map((event) => event.id).sort()).toEqual(
      old
        .slice(0, 500)
        .map((event) => event.id)
        .sort(),
    );

    // The next run takes the rest and stops at its short batch.
    expect(await store.pruneEvents({ before: cutoff, batchSize: 1000, maxBatches: 5 })).toBe(500);
    expect(await store.pruneEvents({ before: cutoff, batchSize: 1000, maxBatches: 5 })).toBe(0);

    const kept = await db.event.findMany({ orderBy: { id: 'asc' } });
    expect(kept.filter((event) => event.type === 'ciba_slow_down').map((event) => event.id)).toEqual(recent.map((e) => e.id));
    // An event made at the cutoff itself is not older than it; the audit log's recent rows stay too.
    expect(kept.map((event) => event.createdAt.getTime())).toContain(cutoff.getTime());
    expect(kept.filter((event) => event.type === 'tenant_created')).toHaveLength(1);
  });

  it('small batches: each statement deletes at most batchSize rows', async () => {
    // Before everything the first test kept.
    const cutoff = new Date(Date.now() - 60 * DAY_MS);
    await db.event.createMany({
      data: Array.from({ length: 7 }, (_, i) => slowDownAt(new Date(cutoff.getTime() - (i + 1) * 60_000), { tenantId })),
    });
    expect(await store.pruneEvents({ before: cutoff, batchSize: 3, maxBatches: 2 })).toBe(6);
    expect(await store.pruneEvents({ before: cutoff, batchSize: 3, maxBatches: 2 })).toBe(1);
    expect(await db.event.count({ where: { createdAt: { lt: cutoff } } })).toBe(0);
    expect(await db.event.count({ where: { type: 'ciba_slow_down' } })).toBe(3);
  });
});

import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import type { Db } from '@/lib/db/client';
import { getEnv, sqliteFilePath } from '@/lib/env';
import type { NewBackchannelRequest, ProtocolStore } from '@/lib/store/protocol-store';
import { createSettingsCache } from '@/lib/store/settings-cache';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { useTestDatabase } from '@/lib/testing/test-database';

// The store of whichever database this pass runs on (SQLite, or PostgreSQL with TEST_POSTGRES_URL).
const onSqlite = !process.env.TEST_POSTGRES_URL;

describe('protocol store', () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let store: ProtocolStore;
  let tenantId: string;
  let clientRowId: string;
  let clientId: string;
  let userId: string;

  beforeAll(async () => {
    ({ db, cleanup } = await useTestDatabase());
    tenantId = (await createTenant(db, { slug: 'acme', name: 'Acme' })).id;
    clientId = (await createClient(db, { tenantSlug: 'acme', name: 'Desk' })).client_id;
    clientRowId = (await db.client.findUniqueOrThrow({ where: { clientId } })).id;
    userId = (await createUser(db, { tenantSlug: 'acme', email: 'alice@example.com' })).id;
    store = getProtocolData().store;
  });

  afterAll(async () => cleanup());

  const newRequest = (overrides: Partial<NewBackchannelRequest> = {}): NewBackchannelRequest => ({
    id: randomUUID(),
    tenantId,
    clientId: clientRowId,
    userId,
    authReqIdHash: randomUUID(),
    scope: 'openid',
    bindingMessage: null,
    acrValues: null,
    acr: null,
    interval: 5,
    expiresAt: new Date(Date.now() + 60_000),
    createdAt: new Date(),
    approvalLink: { id: randomUUID(), tokenHash: randomUUID(), channel: 'email' },
    ...overrides,
  });

  it('writes rows Prisma reads back unchanged, dates included', async () => {
    const request = newRequest({ createdAt: new Date('2026-01-02T03:04:05.678Z') });
    await store.createRequest(request);
    const read = await db.backchannelRequest.findUniqueOrThrow({ where: { id: request.id }, include: { approvalLinks: true } });
    expect(read.expiresAt.toISOString()).toBe(request.expiresAt.toISOString());
    expect(read.createdAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(read.approvalLinks.map((link) => link.tokenHash)).toEqual([request.approvalLink.tokenHash]);
    expect((await store.findRequestForPoll(request.authReqIdHash))?.expiresAt.toISOString()).toBe(request.expiresAt.toISOString());
  });

  it('concurrent writes: a failing write is undone whole without affecting the others', async () => {
    const good = [newRequest(), newRequest()];
    // Same approval-link id as the first: its link insert fails after its request insert ran.
    const bad = newRequest({ approvalLink: { ...good[0].approvalLink } });
    const results = await Promise.allSettled([store.createRequest(good[0]), store.createRequest(bad), store.createRequest(good[1])]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await db.backchannelRequest.count({ where: { id: { in: [...good, bad].map((request) => request.id) } } })).toBe(2);
  });

  it('recordPoll only matches the poll time it read, so overlapping polls cannot both count', async () => {
    const request = newRequest();
    await store.createRequest(request);
    const first = new Date(Date.now() + 1000);
    const [a, b] = await Promise.all([
      store.recordPoll({ id: request.id, previousPolledAt: null, now: first, intervalIncrement: 0 }),
      store.recordPoll({ id: request.id, previousPolledAt: null, now: first, intervalIncrement: 0 }),
    ]);
    expect([a, b].sort()).toEqual([false, true]);
    expect(await store.recordPoll({ id: request.id, previousPolledAt: first, now: new Date(), intervalIncrement: 5 })).toBe(true);
    expect((await store.findRequestForPoll(request.authReqIdHash))?.interval).toBe(10);
  });

  it.runIf(onSqlite)('SQLite: waits out a write lock held by another connection instead of failing or blocking the thread', async () => {
    const other = new Database(sqliteFilePath(getEnv().databaseUrl));
    other.exec('BEGIN IMMEDIATE');
    const request = newRequest();
    const pending = store.createRequest(request);
    let timerRan = false;
    await new Promise((resolve) => setTimeout(resolve, 50)).then(() => {
      timerRan = true;
    });
    expect(timerRan).toBe(true);
    other.exec('COMMIT');
    other.close();
    await pending;
    expect(await store.findRequestForPoll(request.authReqIdHash)).not.toBeNull();
  });

  it('settings cache: serves cached clients until the epoch moves, then reloads', async () => {
    const cache = createSettingsCache(store);
    await cache.validate();
    expect((await cache.findClientByClientId(clientId))?.pollInterval).toBe(5);
    await db.client.update({ where: { clientId }, data: { pollInterval: 7 } });
    await cache.validate();
    expect((await cache.findClientByClientId(clientId))?.pollInterval).toBe(5);
    await db.$transaction(async (tx) => bumpSettingsEpoch(tx));
    await cache.validate();
    expect((await cache.findClientByClientId(clientId))?.pollInterval).toBe(7);
    expect(await cache.findClientByClientId('no-such-client')).toBeNull();
  });
});

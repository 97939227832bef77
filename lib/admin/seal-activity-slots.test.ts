// Sealed half-hours (sealActivitySlots) and the overview read over them, on
// SQLite and — in npm test's PostgreSQL pass (TEST_POSTGRES_URL) — PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneActivitySlots } from '@/lib/admin/activity-slots';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { deleteUser } from '@/lib/admin/delete-user';
import { getTenantActivity, type ActivityRange, type TenantActivity } from '@/lib/admin/get-tenant-activity';
import { sealActivitySlots } from '@/lib/admin/seal-activity-slots';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import type { Client, RequestStatus } from '@/lib/generated/sqlite/client';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { seedPendingRequest } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

const onSqlite = !process.env.TEST_POSTGRES_URL;

let db: Db;
let cleanup: () => Promise<void>;
let tenantId: string;
let otherTenantId: string;
const clients: Record<'app' | 'kiosk' | 'other', Client> = {} as never;
const users: Record<'alice' | 'bob' | 'olga', string> = {} as never;

/** The moment the tests look from: the day window is [2026-03-09T13:00, 2026-03-10T13:00). */
const NOW = new Date('2026-03-10T12:34:56.789Z');
const at = (time: string) => new Date(time.includes('-') ? `${time}Z` : `2026-03-10T${time}Z`);
const SECOND = 1000;
const HOUR = 3600 * SECOND;

type Seed = {
  created: Date;
  client: keyof typeof clients;
  user: keyof typeof users;
  status: RequestStatus;
  decidedAfter?: number;
  expiresAfter?: number;
};

const seedRequest = async ({ created, client, user, status, decidedAfter, expiresAfter = 300 }: Seed) => {
  await seedPendingRequest(db, {
    tenant: { id: client === 'other' ? otherTenantId : tenantId },
    client: clients[client],
    user: { id: users[user] },
    now: created,
    expiresInSeconds: expiresAfter,
    overrides: {
      id: timeOrderedId(created),
      status,
      decidedAt: decidedAfter === undefined ? null : new Date(created.getTime() + decidedAfter * SECOND),
    },
  });
};

const read = (range: ActivityRange, now: Date, slug = 'initech') =>
  getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: slug, range, now });

const sealedSlots = async (tenant = tenantId) =>
  (
    await db.activitySlot.findMany({ where: { tenantId: tenant }, select: { slotStart: true }, orderBy: { slotStart: 'asc' } })
  ).map(({ slotStart }) => slotStart.toISOString());

/** Everything but the percentiles, which a sealed read estimates. */
const countsOf = ({ time_to_decide: { decided }, ...activity }: TenantActivity) => ({ ...activity, decided });

/** Each percentile within 1 % (and a millisecond) of the exact one. */
const expectWithinOnePercent = (estimated: TenantActivity, exact: TenantActivity) => {
  for (const key of ['median_ms', 'p95_ms'] as const) {
    const expected = exact.time_to_decide[key]!;
    expect(Math.abs(estimated.time_to_decide[key]! - expected)).toBeLessThanOrEqual(Math.max(1, expected * 0.01));
  }
};

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: tenantId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'initech', name: 'Initech' }));
  ({ id: otherTenantId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'other', name: 'Other' }));
  const clientRow = async (tenantSlug: string, name: string) => {
    const created = await createClient(db, CLI_PRINCIPAL, { tenantSlug, metadata: { client_name: name } });

    return db.client.findUniqueOrThrow({ where: { clientId: created.client_id } });
  };
  clients.app = await clientRow('initech', 'App');
  clients.kiosk = await clientRow('initech', 'Kiosk');
  clients.other = await clientRow('other', 'Other app');
  users.alice = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'initech', email: 'alice@example.com' })).id;
  users.bob = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'initech', email: 'bob@example.com' })).id;
  users.olga = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'other', email: 'olga@example.com' })).id;

  const seeds: Seed[] = [
    // The week, not the day.
    { created: at('2026-03-05T08:00:00'), client: 'app', user: 'alice', status: 'redeemed', decidedAfter: 30 },
    { created: at('2026-03-09T14:15:00'), client: 'kiosk', user: 'bob', status: 'denied', decidedAfter: 4 },
    // 10:00–10:30: final (pending past its expiry counts as expired).
    { created: at('10:01:00'), client: 'app', user: 'alice', status: 'redeemed', decidedAfter: 3 },
    { created: at('10:05:00'), client: 'kiosk', user: 'bob', status: 'denied', decidedAfter: 5 },
    { created: at('10:10:00'), client: 'app', user: 'alice', status: 'pending', expiresAfter: 60 },
    { created: at('10:20:00'), client: 'kiosk', user: 'alice', status: 'cancelled', decidedAfter: 50 },
    // 10:30–11:00: an approved request, not redeemed, that can be until 12:40.
    {
      created: at('10:40:00'),
      client: 'app',
      user: 'alice',
      status: 'approved',
      decidedAfter: 7,
      expiresAfter: (2 * HOUR) / SECOND,
    },
    { created: at('10:45:00'), client: 'app', user: 'bob', status: 'redeemed', decidedAfter: 8 },
    // 11:00–11:30: a request still pending until 12:40.
    { created: at('11:10:00'), client: 'kiosk', user: 'alice', status: 'pending', expiresAfter: 5400 },
    // 11:30–12:00: final.
    { created: at('11:31:00'), client: 'app', user: 'alice', status: 'redeemed', decidedAfter: 2 },
    { created: at('11:50:00'), client: 'kiosk', user: 'alice', status: 'expired' },
    // 12:00–12:30: final, but ended less than the grace ago at NOW.
    { created: at('12:10:00'), client: 'app', user: 'alice', status: 'denied', decidedAfter: 1 },
    // The slot of NOW.
    { created: at('12:33:00'), client: 'app', user: 'bob', status: 'pending' },
    // Another tenant, in the same slots.
    { created: at('10:02:00'), client: 'other', user: 'olga', status: 'redeemed', decidedAfter: 9 },
    { created: at('11:32:00'), client: 'other', user: 'olga', status: 'denied', decidedAfter: 6 },
  ];
  for (const seed of seeds) await seedRequest(seed);
});

afterAll(async () => {
  await cleanup();
});

describe(`sealActivitySlots (${onSqlite ? 'SQLite' : 'PostgreSQL'})`, () => {
  it('seals every ended slot of the week whose requests are all final, and none that can still change', async () => {
    const raw = { day: await read('day', NOW), week: await read('week', NOW) };

    const sealed = await sealActivitySlots(db, { now: NOW, tenantId, maxSlots: 1000 });
    const slots = await sealedSlots();
    expect(sealed).toBe(slots.length);
    // From a week before NOW's slot up to 11:30–12:00, less 10:30 (approved, unexpired) and 11:00 (pending, unexpired).
    expect(slots[0]).toBe('2026-03-03T12:30:00.000Z');
    expect(slots.slice(-4)).toEqual([
      '2026-03-10T09:00:00.000Z',
      '2026-03-10T09:30:00.000Z',
      '2026-03-10T10:00:00.000Z',
      '2026-03-10T11:30:00.000Z',
    ]);
    expect(slots).toHaveLength(7 * 48 - 1 - 2);
    // Only the slots with requests have rollups: one row per client.
    const rollups = await db.activityRollup.findMany({ where: { tenantId } });
    expect(
      rollups
        .map(({ slotStart, clientId, started, approved, denied, expired, cancelled, decided }) => ({
          slot: slotStart.toISOString(),
          client: clientId === clients.app.id ? 'app' : 'kiosk',
          ...{ started, approved, denied, expired, cancelled, decided },
        }))
        .sort((a, b) => a.slot.localeCompare(b.slot) || a.client.localeCompare(b.client)),
    ).toEqual([
      {
        slot: '2026-03-05T08:00:00.000Z',
        client: 'app',
        started: 1,
        approved: 1,
        denied: 0,
        expired: 0,
        cancelled: 0,
        decided: 1,
      },
      {
        slot: '2026-03-09T14:00:00.000Z',
        client: 'kiosk',
        started: 1,
        approved: 0,
        denied: 1,
        expired: 0,
        cancelled: 0,
        decided: 1,
      },
      {
        slot: '2026-03-10T10:00:00.000Z',
        client: 'app',
        started: 2,
        approved: 1,
        denied: 0,
        expired: 1,
        cancelled: 0,
        decided: 1,
      },
      {
        slot: '2026-03-10T10:00:00.000Z',
        client: 'kiosk',
        started: 2,
        approved: 0,
        denied: 1,
        expired: 0,
        cancelled: 1,
        decided: 1,
      },
      {
        slot: '2026-03-10T11:30:00.000Z',
        client: 'app',
        started: 1,
        approved: 1,
        denied: 0,
        expired: 0,
        cancelled: 0,
        decided: 1,
      },
      {
        slot: '2026-03-10T11:30:00.000Z',
        client: 'kiosk',
        started: 1,
        approved: 0,
        denied: 0,
        expired: 1,
        cancelled: 0,
        decided: 0,
      },
    ]);

    // The same counts as the requests give, the percentiles within 1 %.
    for (const range of ['day', 'week'] as const) {
      const rolled = await read(range, NOW);
      expect(countsOf(rolled)).toEqual(countsOf(raw[range]));
      expect(raw[range].time_to_decide.exact).toBe(true);
      expect(rolled.time_to_decide.exact).toBe(false);
      expectWithinOnePercent(rolled, raw[range]);
    }
    // The hour is read from requests, always.
    expect((await read('hour', NOW)).time_to_decide.exact).toBe(true);
  });

  it('is not used by a read from before it was sealed', async () => {
    const earlier = new Date(NOW.getTime() - 60 * SECOND);
    expect((await read('day', earlier)).time_to_decide.exact).toBe(true);
  });

  it('seals the rest once final, once, however many sealers run at once', async () => {
    const later = new Date(NOW.getTime() + 2 * HOUR);
    const raw = await read('day', later);
    const before = (await sealedSlots()).length;

    const results = await Promise.all([1, 2, 3].map(() => sealActivitySlots(db, { now: later, tenantId, maxSlots: 1000 })));
    const slots = await sealedSlots();
    // 10:30, 11:00, 12:00, NOW's, 13:00 and 13:30 (14:00–14:30 ends, plus the grace, after 14:34:56).
    expect(slots.length - before).toBe(6);
    expect(results.reduce((sum, count) => sum + count, 0)).toBe(6);
    expect(slots).toContain('2026-03-10T10:30:00.000Z');
    expect(await sealActivitySlots(db, { now: later, tenantId, maxSlots: 1000 })).toBe(0);

    const rolled = await read('day', later);
    expect(countsOf(rolled)).toEqual(countsOf(raw));
    expectWithinOnePercent(rolled, raw);
  });

  it('keeps each tenant to itself', async () => {
    expect(await sealedSlots(otherTenantId)).toEqual([]);
    const other = await read('day', NOW, 'other');
    expect(other.time_to_decide.exact).toBe(true);
    expect(other.totals).toMatchObject({ started: 2, approved: 1, denied: 1 });

    await sealActivitySlots(db, { now: NOW, tenantId: otherTenantId, maxSlots: 1000 });
    const rollups = await db.activityRollup.findMany({ where: { tenantId: otherTenantId } });
    expect(rollups.map((row) => row.clientId)).toEqual([clients.other.id, clients.other.id]);
    expect(countsOf(await read('day', NOW, 'other'))).toEqual(countsOf(other));
  });

  it('tries at most maxSlots slots a call, oldest first', async () => {
    const { id } = await createTenant(db, CLI_PRINCIPAL, { slug: 'fresh', name: 'Fresh' });
    expect(await sealActivitySlots(db, { now: NOW, tenantId: id, maxSlots: 5 })).toBe(5);
    expect(await sealedSlots(id)).toEqual([
      '2026-03-03T12:30:00.000Z',
      '2026-03-03T13:00:00.000Z',
      '2026-03-03T13:30:00.000Z',
      '2026-03-03T14:00:00.000Z',
      '2026-03-03T14:30:00.000Z',
    ]);
  });

  it('leaves out slots that waiting requests hold open, so they never crowd newer slots out of a batch', async () => {
    const { id } = await createTenant(db, CLI_PRINCIPAL, { slug: 'held', name: 'Held' });
    const created = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'held', metadata: { client_name: 'Long wait' } });
    const client = await db.client.findUniqueOrThrow({ where: { clientId: created.client_id } });
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'held', email: 'wait@example.com' });
    // The three oldest slots of the week each hold a request pending for three days.
    for (const start of ['2026-03-03T12:40:00Z', '2026-03-03T13:10:00Z', '2026-03-03T13:40:00Z']) {
      const createdAt = new Date(start);
      await seedPendingRequest(db, {
        tenant: { id },
        client,
        user,
        now: createdAt,
        expiresInSeconds: (8 * 24 * HOUR) / SECOND,
        overrides: { id: timeOrderedId(createdAt) },
      });
    }
    expect(await sealActivitySlots(db, { now: NOW, tenantId: id, maxSlots: 2 })).toBe(2);
    expect(await sealedSlots(id)).toEqual(['2026-03-03T14:00:00.000Z', '2026-03-03T14:30:00.000Z']);
  });

  it("unseals the slots that counted a deleted user's requests, and counts what remains once sealed again", async () => {
    const later = new Date(NOW.getTime() + 2 * HOUR);
    await deleteUser(db, CLI_PRINCIPAL, { tenantSlug: 'initech', id: users.bob });
    const slots = await sealedSlots();
    // Bob's requests were in 2026-03-09 14:00, 10:00, 10:30 and 12:30: exactly those slots are unsealed.
    expect(slots.filter((slot) => slot >= '2026-03-09T13:30:00.000Z' && slot <= '2026-03-10T13:00:00.000Z')).toEqual([
      '2026-03-09T13:30:00.000Z',
      ...slots.filter((slot) => slot > '2026-03-09T14:00:00.000Z' && slot < '2026-03-10T10:00:00.000Z'),
      '2026-03-10T11:00:00.000Z',
      '2026-03-10T11:30:00.000Z',
      '2026-03-10T12:00:00.000Z',
      '2026-03-10T13:00:00.000Z',
    ]);
    expect(slots).not.toContain('2026-03-09T14:00:00.000Z');
    expect(slots).toContain('2026-03-09T14:30:00.000Z');

    const raw = await read('week', later);
    expect(raw.totals.started).toBe(9);
    await sealActivitySlots(db, { now: later, tenantId, maxSlots: 1000 });
    const rolled = await read('week', later);
    expect(rolled.time_to_decide.exact).toBe(false);
    expect(countsOf(rolled)).toEqual(countsOf(raw));
  });

  it('prunes slots, with their rollups, a day after the week view stops showing them', async () => {
    const count = await db.activitySlot.count();
    const cutoff = new Date('2026-03-05T08:00:00.001Z');
    const old = await db.activitySlot.count({ where: { slotStart: { lte: new Date('2026-03-05T08:00:00Z') } } });
    expect(await db.activityRollup.count({ where: { slotStart: new Date('2026-03-05T08:00:00Z') } })).toBe(1);
    expect(await pruneActivitySlots(db, new Date(cutoff.getTime() + 8 * 24 * HOUR))).toBe(old);
    expect(await db.activitySlot.count()).toBe(count - old);
    expect(await db.activityRollup.count({ where: { slotStart: new Date('2026-03-05T08:00:00Z') } })).toBe(0);
    expect(await pruneActivitySlots(db, new Date('2026-03-20T00:00:00Z'))).toBe(count - old);
    expect(await db.activityRollup.count()).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAdminEvent } from '@/lib/admin/audit';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { listAuditEvents } from '@/lib/admin/list-audit-events';
import { listEvents } from '@/lib/admin/list-events';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { buildEvent } from '@/lib/events/build-event';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { seedPendingRequest } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let globexId: string;
let clientId: string;
let requestId: string;
let userId: string;
let owner: Principal;
let tenantAdmin: Principal;
const AT = new Date(Date.now() - 60_000);

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  const ownerRow = await db.admin.create({ data: { id: randomUUID(), email: 'owner@admin.test', role: 'owner' } });
  owner = { kind: 'admin', id: ownerRow.id, email: ownerRow.email, role: 'owner', tenantIds: new Set() };
  ({ id: acmeId } = await createTenant(db, owner, { slug: 'acme', name: 'Acme' }));
  ({ id: globexId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' }));
  tenantAdmin = { kind: 'admin', id: 'admin-a', email: 'a@admin.test', role: 'tenant-admin', tenantIds: new Set([acmeId]) };
  const client = await createClient(db, tenantAdmin, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } });
  clientId = client.client_id;
  const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
  userId = user.id;
  const clientRow = await db.client.findUniqueOrThrow({ where: { clientId } });
  const { request } = await seedPendingRequest(db, {
    tenant: { id: acmeId },
    client: clientRow,
    user: { id: userId },
    now: AT,
    overrides: { id: timeOrderedId(AT) },
  });
  requestId = request.id;
  const subject = { tenantId: acmeId, requestId, clientId: clientRow.id, userId };
  // Three events in the same millisecond: the cursor must order them by id.
  await db.event.createMany({
    data: [
      buildEvent(
        'ciba_start_succeeded',
        subject,
        { scope: 'openid', binding_message: null, expires_in: 300, channel: 'email' },
        AT,
      ),
      buildEvent('ciba_link_opened', subject, { channel: 'email' }, new Date(AT.getTime() + 1000)),
      buildEvent('ciba_approved', subject, { by: { kind: 'user', channel: 'email' } }, new Date(AT.getTime() + 1000)),
      buildEvent('ciba_exchange_succeeded', subject, { access_token_jti: 'jti-1' }, new Date(AT.getTime() + 1000)),
    ],
  });
  await recordAdminEvent(db, {
    principal: owner,
    type: 'admin_created',
    tenantId: null,
    change: { target: 'new@admin.test', before: null, after: { role: 'tenant-admin' } },
  });
});

afterAll(async () => {
  await cleanup();
});

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );

describe('listEvents', () => {
  it('lists request events with the contract’s members, newest first, page by page across events of the same millisecond', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listEvents(db, tenantAdmin, { tenantSlug: 'acme', request_id: requestId, limit: 1, cursor });
      seen.push(...page.data.map((event) => event.type));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);

    const stored = await db.event.findMany({ where: { requestId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    expect(seen).toEqual(stored.map((event) => event.type));
    expect(seen.slice(3)).toEqual(['ciba_start_succeeded']);
    expect(new Set(seen).size).toBe(4);
    const latest = (
      await listEvents(db, tenantAdmin, { tenantSlug: 'acme', request_id: requestId, type: 'ciba_exchange_succeeded' })
    ).data[0];
    expect(Object.keys(latest).sort()).toEqual(['client_id', 'detail', 'id', 'request_id', 'time', 'type', 'user_id']);
    expect(latest).toEqual({
      id: expect.any(String),
      type: 'ciba_exchange_succeeded',
      time: new Date(AT.getTime() + 1000).toISOString(),
      request_id: requestId,
      client_id: clientId,
      user_id: userId,
      detail: { access_token_jti: 'jti-1' },
    });
  });

  it('includes the tenant’s administrative events, with their actor, and filters by type', async () => {
    const { data } = await listEvents(db, CLI_PRINCIPAL, { tenantSlug: 'acme', type: 'client_created' });
    expect(data).toEqual([
      {
        id: expect.any(String),
        type: 'client_created',
        time: expect.any(String),
        request_id: null,
        client_id: null,
        user_id: null,
        detail: expect.objectContaining({ target: clientId, before: null }),
        actor: 'admin:admin-a',
      },
    ]);
    const all = await listEvents(db, CLI_PRINCIPAL, { tenantSlug: 'acme' });
    expect(all.data.map((event) => event.type)).toEqual(
      expect.arrayContaining(['tenant_created', 'client_created', 'user_created', 'ciba_approved']),
    );
    expect(all.data.map((event) => event.type)).not.toContain('admin_created');
    const times = all.data.map((event) => event.time);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('keeps each tenant to itself', async () => {
    const { data } = await listEvents(db, CLI_PRINCIPAL, { tenantSlug: 'globex' });
    expect(data.map((event) => event.type)).toEqual(['tenant_created']);
    await expectAdminError(listEvents(db, tenantAdmin, { tenantSlug: 'globex' }), 'forbidden');
    await expectAdminError(listEvents(db, CLI_PRINCIPAL, { tenantSlug: 'nope' }), 'not_found');
    expect((await listEvents(db, CLI_PRINCIPAL, { tenantSlug: 'globex', request_id: requestId })).data).toEqual([]);
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ type: 'ciba_polled' }, 'type', /is not an event type \(got "ciba_polled"\)/],
    [{ request_id: '' }, 'request_id', /is required/],
    [{ limit: 500 }, 'limit', /from 1 to 200/],
    [{ cursor: Buffer.from('{"time":"yesterday","id":"x"}').toString('base64url') }, 'cursor', /not a cursor/],
    [{ actor: 'cli' }, 'actor', /not a setting/],
  ])('refuses %j with a message for its field', async (query, path, message) => {
    const error = await errorOf(listEvents(db, CLI_PRINCIPAL, { tenantSlug: 'acme', ...query }));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
  });
});

describe('listAuditEvents', () => {
  it('lists one tenant’s administrative events only, with actor names, targets and the tenant', async () => {
    const { data, next_cursor } = await listAuditEvents(db, tenantAdmin, { tenantSlug: 'acme' });
    expect(next_cursor).toBeNull();
    expect(data.map((event) => event.type)).toEqual(['user_created', 'client_created', 'tenant_created']);
    expect(data[1]).toMatchObject({ actor: 'admin:admin-a', actor_name: null, tenant: 'acme', target: clientId });
    expect(data[0]).toMatchObject({ actor: 'cli', actor_name: 'CLI', target: userId });
    expect(data[2]).toMatchObject({
      actor: `admin:${(owner as { id: string }).id}`,
      actor_name: 'owner@admin.test',
      target: 'acme',
    });
  });

  it('lists every tenant’s and tenant-less events for an owner, newest first, page by page', async () => {
    const first = await listAuditEvents(db, owner, { limit: 2 });
    expect(first.data.map((event) => [event.type, event.tenant])).toEqual([
      ['admin_created', null],
      ['user_created', 'acme'],
    ]);
    const rest = await listAuditEvents(db, owner, { cursor: first.next_cursor! });
    expect(rest.data.map((event) => [event.type, event.tenant])).toEqual([
      ['client_created', 'acme'],
      ['tenant_created', 'globex'],
      ['tenant_created', 'acme'],
    ]);
    expect(rest.next_cursor).toBeNull();
  });

  it.each<[string, string[]]>([
    ['created', ['admin_created', 'user_created', 'client_created', 'tenant_created', 'tenant_created']],
    ['tenant_', ['tenant_created', 'tenant_created']],
    ['globex', ['tenant_created']],
    ['new@admin', ['admin_created']],
    ['owner@admin.test', ['admin_created', 'tenant_created']],
    ['nothing-matches', []],
  ])('finds %j in the type, the target or change, or the actor’s email', async (q, types) => {
    expect((await listAuditEvents(db, CLI_PRINCIPAL, { q })).data.map((event) => event.type)).toEqual(types);
  });

  it('refuses the whole log to a tenant admin, and another tenant’s log', async () => {
    await expectAdminError(listAuditEvents(db, tenantAdmin, {}), 'forbidden', /Only an owner/);
    await expectAdminError(listAuditEvents(db, tenantAdmin, { tenantSlug: 'globex' }), 'forbidden');
    await expectAdminError(listAuditEvents(db, owner, { tenantSlug: 'nope' }), 'not_found');
    expect((await listAuditEvents(db, owner, { tenantSlug: 'globex' })).data.map((event) => event.type)).toEqual([
      'tenant_created',
    ]);
  });

  it('reads past any number of LIKE false positives (`_` is a wildcard there) to fill the page with exact matches', async () => {
    for (let index = 0; index < 450; index += 1) {
      await recordAdminEvent(db, {
        principal: CLI_PRINCIPAL,
        type: 'user_updated',
        tenantId: globexId,
        change: { target: `u${index}`, before: null, after: { note: 'tenantXcreated' } },
      });
    }
    const { data } = await listAuditEvents(db, owner, { q: 'tenant_created', limit: 1 });
    expect(data.map((event) => event.tenant)).toEqual(['globex']);
    expect((await listAuditEvents(db, owner, { q: 'tenant_' })).data.map((event) => event.type)).toEqual([
      'tenant_created',
      'tenant_created',
    ]);
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ q: 'x'.repeat(201) }, 'q', /at most 200/],
    [{ limit: -1 }, 'limit', /from 1 to 200/],
    [{ type: 'x' }, 'type', /not a setting/],
  ])('refuses %j with a message for its field', async (query, path, message) => {
    const error = await errorOf(listAuditEvents(db, CLI_PRINCIPAL, query));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
  });
});

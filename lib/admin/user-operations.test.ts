import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { deleteUser } from '@/lib/admin/delete-user';
import { getUser, USER_RECENT_REQUESTS } from '@/lib/admin/get-user';
import { setUserCode } from '@/lib/admin/set-user-code';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { updateUser } from '@/lib/admin/update-user';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { seedClient, seedPendingRequest } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';
import { verifyUserCode } from '@/lib/ciba/user-code-hash';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let globexId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: acmeId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' }));
  ({ id: globexId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' }));
});

afterAll(async () => {
  await cleanup();
});

const tenantAdminOf = (tenantId: string): Principal => ({
  kind: 'admin',
  id: 'admin-a',
  email: 'a@admin.test',
  role: 'tenant-admin',
  tenantIds: new Set([tenantId]),
});

const lastAudit = async (type: string) => {
  const event = await db.event.findFirstOrThrow({ where: { type }, orderBy: { id: 'desc' } });

  return { ...event, detail: JSON.parse(event.detail!) as Record<string, unknown> };
};

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );

describe('getUser', () => {
  it('returns the user with its 10 most recent requests, newest first, with client names and current statuses', async () => {
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'recent@example.com', name: 'Recent' });
    const { client } = await seedClient(db, { id: acmeId }, { name: 'Support desk' });
    const start = Date.now() - 60_000;
    for (let index = 0; index < 12; index += 1) {
      const now = new Date(start + index * 1000);
      await seedPendingRequest(db, {
        tenant: { id: acmeId },
        client,
        user,
        now,
        expiresInSeconds: index === 11 ? 1 : 600,
        overrides: { id: timeOrderedId(now), bindingMessage: `M${index}`, status: index === 10 ? 'denied' : 'pending' },
      });
    }

    const detail = await getUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id });
    expect(detail).toMatchObject({
      id: user.id,
      sub: user.sub,
      email: 'recent@example.com',
      name: 'Recent',
      has_user_code: false,
    });
    expect(detail.recent_requests).toHaveLength(USER_RECENT_REQUESTS);
    expect(detail.recent_requests.map((request) => request.binding_message)).toEqual([
      'M11',
      'M10',
      'M9',
      'M8',
      'M7',
      'M6',
      'M5',
      'M4',
      'M3',
      'M2',
    ]);
    expect(detail.recent_requests[0]).toEqual({
      id: expect.any(String),
      status: 'expired',
      client_name: 'Support desk',
      scope: 'openid email',
      binding_message: 'M11',
      created_at: new Date(start + 11_000).toISOString(),
    });
    expect(detail.recent_requests.slice(1, 3).map((request) => request.status)).toEqual(['denied', 'pending']);
  });

  it('is not_found for an unknown user, a user of another tenant, or an unknown tenant', async () => {
    const other = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'other@example.com' });
    await expectAdminError(
      getUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: 'nope' }),
      'not_found',
      /No user "nope" in tenant "acme"/,
    );
    await expectAdminError(getUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: other.id }), 'not_found');
    await expectAdminError(getUser(db, CLI_PRINCIPAL, { tenantSlug: 'nope', id: other.id }), 'not_found', /tenant/);
  });

  it('refuses a tenant admin of acme on globex (forbidden)', async () => {
    const other = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'forbidden@example.com' });
    await expectAdminError(getUser(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', id: other.id }), 'forbidden');
    expect(await getUser(db, tenantAdminOf(globexId), { tenantSlug: 'globex', id: other.id })).toMatchObject({ id: other.id });
  });

  it('refuses a missing or malformed id with its field', async () => {
    expect(await errorOf(getUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: '' }))).toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'id', message: 'is required' }],
    });
    expect(await errorOf(getUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: 'x'.repeat(201) }))).toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'id', message: expect.stringMatching(/at most 200/) }],
    });
  });
});

describe('updateUser', () => {
  it('changes name, email (lower-cased) and email_verified, keeps the sub, and records before and after', async () => {
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'old@example.com', name: 'Old' });
    const admin = tenantAdminOf(acmeId);
    const updated = await updateUser(db, admin, {
      tenantSlug: 'acme',
      id: user.id,
      changes: { name: ' New Name ', email: ' New@Example.COM', email_verified: false },
    });

    expect(updated).toMatchObject({
      id: user.id,
      sub: user.sub,
      email: 'new@example.com',
      name: 'New Name',
      email_verified: false,
      has_user_code: false,
    });
    const audit = await lastAudit('user_updated');
    expect(audit).toMatchObject({ tenantId: acmeId, actor: 'admin:admin-a' });
    expect(audit.detail).toEqual({
      target: user.id,
      before: { email: 'old@example.com', email_verified: true, name: 'Old', has_user_code: false },
      after: { email: 'new@example.com', email_verified: false, name: 'New Name', has_user_code: false },
    });
  });

  it('clears the name with null or blank, and sets and clears the user code as a hash only', async () => {
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'coded@example.com', name: 'Coded' });
    expect(await updateUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id, changes: { name: null } })).toMatchObject({
      name: null,
    });
    const withCode = await updateUser(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      id: user.id,
      changes: { user_code: 'open sesame' },
    });
    expect(withCode.has_user_code).toBe(true);
    expect(
      await verifyUserCode('open sesame', (await db.user.findUniqueOrThrow({ where: { id: user.id } })).userCodeHash!),
    ).toEqual({ ok: true, needsRehash: false });
    expect(JSON.stringify((await lastAudit('user_updated')).detail)).not.toContain('sesame');
    await updateUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id, changes: { user_code: null } });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).userCodeHash).toBeNull();
  });

  it('writes nothing for an empty change', async () => {
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'same@example.com' });
    const events = await db.event.count();
    expect(await updateUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id, changes: {} })).toMatchObject({
      email: 'same@example.com',
    });
    expect(await db.event.count()).toBe(events);
  });

  it('refuses an email another user of the tenant has (conflict), but not one of another tenant', async () => {
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'taken@example.com' });
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'elsewhere@example.com' });
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'mover@example.com' });
    await expectAdminError(
      updateUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id, changes: { email: 'TAKEN@example.com' } }),
      'conflict',
      /taken@example.com already exists/,
    );
    expect(
      await updateUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id, changes: { email: 'elsewhere@example.com' } }),
    ).toMatchObject({ email: 'elsewhere@example.com' });
    expect(
      await updateUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id, changes: { email: 'elsewhere@example.com' } }),
    ).toMatchObject({
      email: 'elsewhere@example.com',
    });
  });

  it.each<[unknown, string, RegExp]>([
    [{ email: 'not-an-email' }, 'email', /not a valid address/],
    [{ email: 42 }, 'email', /must be text/],
    [{ name: 'x'.repeat(101) }, 'name', /1–100 characters/],
    [{ email_verified: 'yes' }, 'email_verified', /true or false/],
    [{ user_code: 'abc' }, 'user_code', /4–64 characters/],
    [{ user_code: 'x'.repeat(65) }, 'user_code', /4–64 characters/],
    [{ user_code: 'ab\ncd' }, 'user_code', /printable/],
    [{ user_code: ' abcd' }, 'user_code', /begin or end with a space/],
    [{ sub: 'mine' }, 'sub', /not a setting/],
  ])('refuses %j with a message for its field and changes nothing', async (changes, path, message) => {
    const user = await db.user.findFirstOrThrow({ where: { tenantId: acmeId, email: 'same@example.com' } });
    const error = await errorOf(updateUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id, changes }));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toEqual(user);
  });

  it('is not_found for a user of another tenant and forbidden for a tenant out of reach', async () => {
    const other = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'g-update@example.com' });
    await expectAdminError(
      updateUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: other.id, changes: { name: 'X' } }),
      'not_found',
    );
    await expectAdminError(
      updateUser(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', id: other.id, changes: { name: 'X' } }),
      'forbidden',
    );
    expect((await db.user.findUniqueOrThrow({ where: { id: other.id } })).name).toBeNull();
  });
});

describe('deleteUser', () => {
  it('deletes the user and its requests, records it, and says whether one existed', async () => {
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'gone@example.com', name: 'Gone' });
    const { client } = await seedClient(db, { id: acmeId });
    const { request } = await seedPendingRequest(db, { tenant: { id: acmeId }, client, user });

    expect(await deleteUser(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', id: user.id })).toEqual({
      id: user.id,
      deleted: true,
    });
    expect(await db.user.findUnique({ where: { id: user.id } })).toBeNull();
    expect(await db.backchannelRequest.findUnique({ where: { id: request.id } })).toBeNull();
    const audit = await lastAudit('user_deleted');
    expect(audit).toMatchObject({ tenantId: acmeId, actor: 'admin:admin-a' });
    expect(audit.detail).toEqual({
      target: user.id,
      before: { sub: user.sub, email: 'gone@example.com', email_verified: true, name: 'Gone', has_user_code: false },
      after: null,
    });

    const events = await db.event.count();
    expect(await deleteUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id })).toEqual({ id: user.id, deleted: false });
    expect(await db.event.count()).toBe(events);
  });

  it('does not delete a user of another tenant, and refuses a tenant out of reach', async () => {
    const other = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'stays@example.com' });
    expect(await deleteUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: other.id })).toEqual({ id: other.id, deleted: false });
    await expectAdminError(deleteUser(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', id: other.id }), 'forbidden');
    await expectAdminError(deleteUser(db, CLI_PRINCIPAL, { tenantSlug: 'nope', id: other.id }), 'not_found');
    expect(await db.user.findUnique({ where: { id: other.id } })).not.toBeNull();
    expect(await errorOf(deleteUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: '' }))).toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'id' }],
    });
  });
});

describe('setUserCode', () => {
  it('sets a code by email (stored as its SHA-256 only), clears it by id, and audits without the code', async () => {
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'code@example.com' });
    expect(
      await setUserCode(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', email: 'CODE@example.com', code: 'Tr0ub4dor&3' }),
    ).toEqual({ id: user.id, has_user_code: true });
    expect(
      await verifyUserCode('Tr0ub4dor&3', (await db.user.findUniqueOrThrow({ where: { id: user.id } })).userCodeHash!),
    ).toEqual({ ok: true, needsRehash: false });
    const audit = await lastAudit('user_updated');
    expect(audit).toMatchObject({ tenantId: acmeId, actor: 'admin:admin-a' });
    expect(audit.detail).toEqual({ target: user.id, before: { has_user_code: false }, after: { has_user_code: true } });
    expect(JSON.stringify(audit)).not.toContain('Tr0ub4dor');
    expect(JSON.stringify(audit)).not.toContain(sha256Base64Url('Tr0ub4dor&3'));

    expect(await setUserCode(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: user.id, code: null })).toEqual({
      id: user.id,
      has_user_code: false,
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).userCodeHash).toBeNull();
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ email: 'code@example.com', code: 'abc' }, 'code', /4–64 characters \(got 3\)/],
    [{ email: 'code@example.com', code: '\u0007bell' }, 'code', /printable/],
    [{ email: 'code@example.com' }, 'code', /must be text/],
    [{ email: 'bad', code: 'abcd' }, 'email', /not a valid address/],
    [{ code: 'abcd' }, 'id', /by id or by email/],
    [{ id: 'x', email: 'code@example.com', code: 'abcd' }, 'id', /by id or by email/],
  ])('refuses %j with a message for its field', async (input, path, message) => {
    const error = await errorOf(setUserCode(db, CLI_PRINCIPAL, { tenantSlug: 'acme', ...input } as never));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
  });

  it('is not_found for an unknown user and forbidden for a tenant out of reach', async () => {
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'g-code@example.com' });
    await expectAdminError(
      setUserCode(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'g-code@example.com', code: 'abcd' }),
      'not_found',
      /No user "g-code@example.com" in tenant "acme"/,
    );
    await expectAdminError(
      setUserCode(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', email: 'g-code@example.com', code: 'abcd' }),
      'forbidden',
    );
    expect((await db.user.findFirstOrThrow({ where: { email: 'g-code@example.com' } })).userCodeHash).toBeNull();
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '@/lib/admin/create-admin';
import { createTenant } from '@/lib/admin/create-tenant';
import { listAdmins } from '@/lib/admin/list-admins';
import { removeAdmin } from '@/lib/admin/remove-admin';
import { requireAnotherOwner } from '@/lib/admin/require-another-owner';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { updateAdminMemberships } from '@/lib/admin/update-admin-memberships';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let owner: Principal;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: acmeId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' }));
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  const row = await db.admin.create({ data: { id: randomUUID(), email: 'root@admin.test', role: 'owner' } });
  owner = { kind: 'admin', id: row.id, email: row.email, role: 'owner', tenantIds: new Set() };
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

describe('createAdmin', () => {
  it('invites a tenant admin of the tenants named, and records it outside any tenant', async () => {
    const admin = await createAdmin(db, owner, { email: ' Ann@Example.com ', tenantSlugs: ['globex', 'acme', 'acme'] });

    expect(admin).toEqual({
      id: expect.any(String),
      email: 'ann@example.com',
      name: null,
      role: 'tenant-admin',
      tenants: ['acme', 'globex'],
      email_verified: false,
      created_at: expect.any(String),
    });
    const audit = await lastAudit('admin_created');
    expect(audit).toMatchObject({ tenantId: null, actor: `admin:${(owner as { id: string }).id}` });
    expect(audit.detail).toEqual({
      target: 'ann@example.com',
      before: null,
      after: { email: 'ann@example.com', role: 'tenant-admin', tenants: ['acme', 'globex'] },
    });
  });

  it('invites an owner (the default role is tenant-admin, with no tenant)', async () => {
    expect(await createAdmin(db, CLI_PRINCIPAL, { email: 'boss@example.com', role: 'owner' })).toMatchObject({
      role: 'owner',
      tenants: [],
    });
    expect(
      await createAdmin(db, { kind: 'api_key', id: 'k1', name: 'ops', tenantId: null }, { email: 'x@example.com' }),
    ).toMatchObject({
      role: 'tenant-admin',
      tenants: [],
    });
  });

  it('refuses an existing address (conflict, whatever its case)', async () => {
    await expectAdminError(createAdmin(db, owner, { email: 'ANN@example.com' }), 'conflict', /ann@example.com already exists/);
  });

  it('is owner-only: a tenant admin or a tenant API key is forbidden', async () => {
    const admins = await db.admin.count();
    await expectAdminError(
      createAdmin(db, tenantAdminOf(acmeId), { email: 'sneaky@example.com', tenantSlugs: ['acme'] }),
      'forbidden',
    );
    await expectAdminError(
      createAdmin(db, { kind: 'api_key', id: 'k2', name: 'acme key', tenantId: acmeId }, { email: 'sneaky@example.com' }),
      'forbidden',
    );
    expect(await db.admin.count()).toBe(admins);
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ email: 'nope' }, 'email', /not a valid address/],
    [{}, 'email', /is required/],
    [{ email: 'r@example.com', role: 'root' }, 'role', /must be owner or tenant-admin/],
    [{ email: 'r@example.com', tenantSlugs: ['acme', 'nope'] }, 'tenantSlugs.1', /names no tenant \(got "nope"\)/],
    [{ email: 'r@example.com', tenantSlugs: 'acme' }, 'tenantSlugs', /must be a list of tenant slugs/],
    [{ email: 'r@example.com', role: 'owner', tenantSlugs: ['acme'] }, 'tenantSlugs', /must be empty for an owner/],
    [{ email: 'r@example.com', name: 'R' }, 'name', /not a setting/],
  ])('refuses %j with a message for its field', async (input, path, message) => {
    const error = await errorOf(createAdmin(db, owner, input as never));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
    expect(await db.admin.count({ where: { email: 'r@example.com' } })).toBe(0);
  });
});

describe('listAdmins', () => {
  it('lists every admin by email with role and tenants, for owners only', async () => {
    const admins = await listAdmins(db, owner);
    expect(admins.map((admin) => [admin.email, admin.role, admin.tenants])).toEqual([
      ['ann@example.com', 'tenant-admin', ['acme', 'globex']],
      ['boss@example.com', 'owner', []],
      ['root@admin.test', 'owner', []],
      ['x@example.com', 'tenant-admin', []],
    ]);
    await expectAdminError(listAdmins(db, tenantAdminOf(acmeId)), 'forbidden');
  });
});

describe('updateAdminMemberships', () => {
  it('replaces the tenants of an admin and records before and after', async () => {
    const ann = await db.admin.findUniqueOrThrow({ where: { email: 'ann@example.com' } });
    const updated = await updateAdminMemberships(db, owner, { adminId: ann.id, tenantSlugs: ['globex'] });
    expect(updated).toMatchObject({ email: 'ann@example.com', role: 'tenant-admin', tenants: ['globex'] });
    expect(await db.adminMembership.count({ where: { adminId: ann.id } })).toBe(1);
    const audit = await lastAudit('admin_updated');
    expect(audit).toMatchObject({ tenantId: null });
    expect(audit.detail).toEqual({
      target: 'ann@example.com',
      before: { email: 'ann@example.com', role: 'tenant-admin', tenants: ['acme', 'globex'] },
      after: { email: 'ann@example.com', role: 'tenant-admin', tenants: ['globex'] },
    });
  });

  it('promotes to owner (no tenants) and demotes back', async () => {
    const x = await db.admin.findUniqueOrThrow({ where: { email: 'x@example.com' } });
    await expectAdminError(
      updateAdminMemberships(db, owner, { adminId: x.id, role: 'owner', tenantSlugs: ['acme'] }),
      'invalid_input',
      /must be empty for an owner/,
    );
    expect(await updateAdminMemberships(db, owner, { adminId: x.id, role: 'owner', tenantSlugs: [] })).toMatchObject({
      role: 'owner',
    });
    expect(await updateAdminMemberships(db, owner, { adminId: x.id, role: 'tenant-admin', tenantSlugs: ['acme'] })).toMatchObject(
      {
        role: 'tenant-admin',
        tenants: ['acme'],
      },
    );
  });

  it('is not_found for an unknown admin and owner-only', async () => {
    await expectAdminError(
      updateAdminMemberships(db, owner, { adminId: 'nope', tenantSlugs: [] }),
      'not_found',
      /No administrator "nope"/,
    );
    const ann = await db.admin.findUniqueOrThrow({ where: { email: 'ann@example.com' } });
    await expectAdminError(
      updateAdminMemberships(db, tenantAdminOf(acmeId), { adminId: ann.id, tenantSlugs: ['acme'] }),
      'forbidden',
    );
    expect(await errorOf(updateAdminMemberships(db, owner, { adminId: ann.id } as never))).toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'tenantSlugs', message: expect.stringMatching(/list of tenant slugs/) }],
    });
  });
});

describe('removeAdmin', () => {
  it('removes an admin with its memberships and sessions, idempotently, and records it', async () => {
    const ann = await db.admin.findUniqueOrThrow({ where: { email: 'ann@example.com' } });
    await db.adminSession.create({
      data: { id: randomUUID(), sessionTokenHash: 'h', adminId: ann.id, expires: new Date(Date.now() + 60_000) },
    });

    expect(await removeAdmin(db, owner, { adminId: ann.id })).toEqual({ id: ann.id, removed: true });
    expect(await db.admin.findUnique({ where: { id: ann.id } })).toBeNull();
    expect(await db.adminSession.count({ where: { adminId: ann.id } })).toBe(0);
    expect(await db.adminMembership.count({ where: { adminId: ann.id } })).toBe(0);
    const audit = await lastAudit('admin_removed');
    expect(audit).toMatchObject({ tenantId: null });
    expect(audit.detail).toEqual({
      target: 'ann@example.com',
      before: { email: 'ann@example.com', role: 'tenant-admin', tenants: ['globex'] },
      after: null,
    });
    expect(await removeAdmin(db, owner, { adminId: ann.id })).toEqual({ id: ann.id, removed: false });
  });

  it('refuses to remove or demote the last owner, also when two owners remove each other at once', async () => {
    const boss = await db.admin.findUniqueOrThrow({ where: { email: 'boss@example.com' } });
    const root = await db.admin.findUniqueOrThrow({ where: { email: 'root@admin.test' } });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first removal passes the check and holds its transaction open while the second one starts.
    const first = db.$transaction(async (tx) => {
      await requireAnotherOwner(tx, boss.id, boss.email);
      await held;
      await tx.admin.delete({ where: { id: boss.id } });
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = errorOf(removeAdmin(db, CLI_PRINCIPAL, { adminId: root.id }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await first;
    expect(await second).toMatchObject({ code: 'conflict', message: expect.stringMatching(/root@admin.test is the last owner/) });
    const [last] = await db.admin.findMany({ where: { role: 'owner' } });
    expect(await db.admin.count({ where: { role: 'owner' } })).toBe(1);

    await expectAdminError(removeAdmin(db, CLI_PRINCIPAL, { adminId: last.id }), 'conflict', /is the last owner/);
    await expectAdminError(
      updateAdminMemberships(db, CLI_PRINCIPAL, { adminId: last.id, role: 'tenant-admin', tenantSlugs: ['acme'] }),
      'conflict',
      /is the last owner/,
    );
    expect(await db.admin.findUniqueOrThrow({ where: { id: last.id } })).toMatchObject({ role: 'owner' });
  });

  it('is owner-only', async () => {
    const x = await db.admin.findUniqueOrThrow({ where: { email: 'x@example.com' } });
    await expectAdminError(removeAdmin(db, tenantAdminOf(acmeId), { adminId: x.id }), 'forbidden');
    expect(await db.admin.findUnique({ where: { id: x.id } })).not.toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { expectAdminError } from '@/lib/admin/test-helpers';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
});

afterAll(async () => {
  await cleanup();
});

describe('createUser', () => {
  it('stores the email trimmed and lower-cased, with a random opaque sub', async () => {
    const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: '  Alice@Example.COM ', name: ' Alice Doe ' });

    expect(user).toEqual({
      id: expect.any(String),
      sub: expect.stringMatching(/^[\w-]{22}$/),
      email: 'alice@example.com',
      name: 'Alice Doe',
      tenant: 'acme',
    });
    expect(user.sub).not.toContain('alice');
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ sub: user.sub, email: 'alice@example.com', name: 'Alice Doe' });
  });

  it('treats an absent or blank name as none', async () => {
    const withoutName = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'bob@example.com' });
    const blankName = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'carol@example.com', name: '  ' });

    expect(withoutName.name).toBeNull();
    expect(blankName.name).toBeNull();
  });

  it('rejects an email already registered in the tenant, whatever its case', async () => {
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'dave@example.com' });

    await expectAdminError(
      createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'DAVE@example.com' }),
      'conflict',
      /dave@example.com already exists in tenant "acme"/,
    );
  });

  it('allows the same email in another tenant, with a different sub', async () => {
    const inAcme = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'erin@example.com' });
    const inGlobex = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'erin@example.com' });

    expect(inGlobex.sub).not.toBe(inAcme.sub);
    expect(inGlobex.tenant).toBe('globex');
  });

  it.each([
    'not-an-email',
    '@example.com',
    'alice@',
    'alice@localhost',
    'alice@example',
    'alice@@example.com',
    'al ice@example.com',
    '.alice@example.com',
    'alice.@example.com',
    'al..ice@example.com',
    'alice@-example.com',
    'alice@example..com',
    '"alice"@example.com',
    'alice@[127.0.0.1]',
    `${'a'.repeat(65)}@example.com`,
    '',
  ])('rejects the email %j', async (email) => {
    await expectAdminError(createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email }), 'invalid_input', /^email: /);
  });

  it.each(['first.last+tag@sub.example.co.uk', "o'brien@example.org", 'x@xn--bcher-kva.example'])(
    'accepts the email %j',
    async (email) => {
      const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email });

      expect(user.email).toBe(email);
    },
  );

  it('rejects a name over 100 characters', async () => {
    await expectAdminError(
      createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'long@example.com', name: 'x'.repeat(101) }),
      'invalid_input',
      /^name: /,
    );
  });

  it('reports an unknown tenant as not_found', async () => {
    await expectAdminError(createUser(db, CLI_PRINCIPAL, { tenantSlug: 'nope', email: 'zed@example.com' }), 'not_found');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CreatedClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { rotateClientSecret } from '@/lib/admin/rotate-client-secret';
import { expectAdminError } from '@/lib/admin/test-helpers';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

let db: Db;
let cleanup: () => Promise<void>;
let client: CreatedClient;
let globexClient: CreatedClient;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  client = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } });
  globexClient = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'Globex desk' } });
});

afterAll(async () => {
  await cleanup();
});

const epoch = async () => (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;
const rowOf = (clientId: string) => db.client.findUniqueOrThrow({ where: { clientId } });

describe('rotateClientSecret', () => {
  it('stores the hash of a new 256-bit secret, returns it once, and bumps the settings epoch', async () => {
    const before = await epoch();
    const previous = await rowOf(client.client_id);
    const rotated = await rotateClientSecret(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: client.client_id });

    expect(rotated).toEqual({ client_id: client.client_id, client_secret: expect.stringMatching(/^[\w-]{43}$/) });
    expect(rotated.client_secret).not.toBe(client.client_secret);
    const row = await rowOf(client.client_id);
    expect(row.secretHash).toBe(sha256Base64Url(rotated.client_secret));
    expect({ ...row, secretHash: '', updatedAt: null }).toEqual({ ...previous, secretHash: '', updatedAt: null });
    expect(await epoch()).toBe(before + 1);
  });

  it('does not find a client of another tenant, and leaves its secret alone', async () => {
    const { secretHash } = await rowOf(globexClient.client_id);

    await expectAdminError(
      rotateClientSecret(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: globexClient.client_id }),
      'not_found',
    );
    expect((await rowOf(globexClient.client_id)).secretHash).toBe(secretHash);
  });

  it('reports an unknown client or tenant as not_found without bumping the epoch', async () => {
    const before = await epoch();

    await expectAdminError(
      rotateClientSecret(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: 'nope' }),
      'not_found',
      /"nope"/,
    );
    await expectAdminError(
      rotateClientSecret(db, CLI_PRINCIPAL, { tenantSlug: 'nope', clientId: client.client_id }),
      'not_found',
    );
    expect(await epoch()).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CreatedClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { AdminError } from '@/lib/admin/errors';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { updateClient } from '@/lib/admin/update-client';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { deliverOutbox } from '@/lib/testing/outbox';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { call, credentialsOf, expectOAuthError, formRequest } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

let db: Db;
let cleanup: () => Promise<void>;
let client: CreatedClient;
let globexClient: CreatedClient;
let userSub: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  client = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } });
  globexClient = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'Globex desk' } });
  ({ sub: userSub } = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' }));
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const epoch = async () => (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;
const rowOf = (clientId: string) => db.client.findUniqueOrThrow({ where: { clientId } });

describe('updateClient', () => {
  it('changes the settings given, keeps the others, and bumps the settings epoch', async () => {
    const before = await epoch();
    const { secretHash } = await rowOf(client.client_id);
    const updated = await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: client.client_id,
      metadata: { binding_message_policy: 'required', backchannel_poll_interval: 12, client_name: ' Front desk ' },
    });

    const { client_secret: _secret, ...view } = client;
    expect(updated).toEqual({
      ...view,
      client_name: 'Front desk',
      binding_message_policy: 'required',
      backchannel_poll_interval: 12,
    });
    expect(await rowOf(client.client_id)).toMatchObject({
      name: 'Front desk',
      bindingMessagePolicy: 'required',
      pollInterval: 12,
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: CIBA_GRANT_TYPE,
      secretHash,
    });
    expect(await epoch()).toBe(before + 1);
    expect(Object.keys(updated).filter((key) => /client_secret$|hash/i.test(key))).toEqual([]);
  });

  it('checks the settings as a whole: new bounds against the stored ones', async () => {
    await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: client.client_id,
      metadata: { max_requested_expiry: 600 },
    });

    await expectAdminError(
      updateClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        clientId: client.client_id,
        metadata: { default_requested_expiry: 900 },
      }),
      'invalid_input',
      /^default_requested_expiry: must be from min_requested_expiry \(1\) to max_requested_expiry \(600\), got 900$/,
    );
    const updated = await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: client.client_id,
      metadata: { default_requested_expiry: 900, max_requested_expiry: 1200 },
    });
    expect(updated).toMatchObject({ default_requested_expiry: 900, max_requested_expiry: 1200 });
  });

  it('changes nothing, not even the epoch, when any setting is refused; each field gets its message', async () => {
    const row = await rowOf(client.client_id);
    const before = await epoch();
    const error = (await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: client.client_id,
      metadata: { client_name: 'Renamed', backchannel_poll_interval: 0, backchannel_token_delivery_mode: 'fax' },
    }).catch((caught: unknown) => caught)) as AdminError;

    expect(error).toBeInstanceOf(AdminError);
    expect(error.code).toBe('invalid_input');
    expect(error.fields).toEqual([
      { path: 'backchannel_token_delivery_mode', message: 'must be one of poll, ping, push (got "fax")' },
      { path: 'backchannel_poll_interval', message: 'must be a whole number of seconds from 1 to 300 (got 0)' },
    ]);
    expect(await rowOf(client.client_id)).toEqual(row);
    expect(await epoch()).toBe(before);
  });

  it('accepts an empty change and returns the client as it is', async () => {
    const current = await updateClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: client.client_id, metadata: {} });

    expect(current.client_id).toBe(client.client_id);
    expect(current.client_name).toBe('Front desk');
  });

  it('does not find a client of another tenant, and leaves it alone', async () => {
    const row = await rowOf(globexClient.client_id);

    await expectAdminError(
      updateClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        clientId: globexClient.client_id,
        metadata: { client_name: 'Stolen' },
      }),
      'not_found',
      new RegExp(`No client "${globexClient.client_id}" in tenant "acme"`),
    );
    expect(await rowOf(globexClient.client_id)).toEqual(row);
  });

  it('reports an unknown client or tenant as not_found', async () => {
    await expectAdminError(updateClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: 'nope', metadata: {} }), 'not_found');
    await expectAdminError(
      updateClient(db, CLI_PRINCIPAL, { tenantSlug: 'nope', clientId: client.client_id, metadata: {} }),
      'not_found',
    );
  });

  it('loses neither of two concurrent changes to different settings', async () => {
    await Promise.all([
      updateClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        clientId: client.client_id,
        metadata: { backchannel_poll_interval: 7 },
      }),
      updateClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        clientId: client.client_id,
        metadata: { id_token_signed_response_alg: 'ES256' },
      }),
    ]);

    expect(await rowOf(client.client_id)).toMatchObject({ pollInterval: 7, idTokenSignedResponseAlg: 'ES256' });
  });

  it('a client whose stored settings are invalid is refused by the protocol until a change covers them', async () => {
    const broken = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Broken' } });
    const authorize = () =>
      call(formRequest('/t/acme/bc-authorize', { scope: 'openid', login_hint: userSub }, { auth: credentialsOf(broken) }));
    expect((await authorize()).status).toBe(200);
    await db.$transaction(async (tx) => {
      await tx.client.update({ where: { clientId: broken.client_id }, data: { bindingMessagePolicy: 'always' } });
      await bumpSettingsEpoch(tx);
    });

    expectOAuthError(await authorize(), 500, 'server_error');
    await expectAdminError(
      updateClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        clientId: broken.client_id,
        metadata: { backchannel_poll_interval: 9 },
      }),
      'invalid_input',
      /binding_message_policy: must be one of required, optional \(got "always"\)/,
    );
    const repaired = await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: broken.client_id,
      metadata: { binding_message_policy: 'optional' },
    });
    expect(repaired.binding_message_policy).toBe('optional');
    expect((await authorize()).status).toBe(200);
  });
});

// Registering a ping or push client (CIBA §4): its notification endpoint is
// https, without credentials or fragment, and never resolves to a loopback,
// private or link-local address unless ALLOW_HTTP_LOOPBACK_CALLBACKS admits
// plain-http loopback endpoints. Refused at creation and update, nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { AdminError } from '@/lib/admin/errors';
import { updateClient } from '@/lib/admin/update-client';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { checkNotificationEndpoint, isAllowedCallbackAddress } from '@/lib/ciba/notification-endpoint';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
});

afterAll(async () => {
  await cleanup();
});

/** Turns ALLOW_HTTP_LOOPBACK_CALLBACKS on or off (the cached env is dropped: lib/env.ts). */
const setSwitch = (on: boolean) => {
  if (on) process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  else delete process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS;
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

/** The field errors a refused registration reports. */
const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AdminError);
  expect((error as AdminError).code).toBe('invalid_input');

  return (error as AdminError).fields;
};

const create = (mode: string, endpoint?: string | null) =>
  createClient(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    metadata: {
      client_name: 'Callback app',
      backchannel_token_delivery_mode: mode,
      ...(endpoint === undefined ? {} : { backchannel_client_notification_endpoint: endpoint }),
    },
  });

describe('registering a notification endpoint', () => {
  it.each([
    ['http://app.example.com/cb', /must be an https:\/\/ URL/],
    ['ftp://app.example.com/cb', /must be an https:\/\/ URL \(got ftp:\/\/\)/],
    ['https://user:secret@app.example.com/cb', /must not contain credentials/],
    ['https://app.example.com/cb#fragment', /must not contain a fragment/],
    ['not a url', /must be an absolute https:\/\/ URL/],
    [
      'https://10.1.2.3/cb',
      /must not resolve to a loopback, private or link-local address \(10\.1\.2\.3 resolves to 10\.1\.2\.3\)/,
    ],
    ['https://192.168.1.10/cb', /private or link-local/],
    ['https://172.16.0.1/cb', /private or link-local/],
    ['https://169.254.169.254/latest/meta-data', /private or link-local/],
    ['https://[fd00::1]/cb', /private or link-local/],
    ['https://[fe80::1]/cb', /private or link-local/],
    ['https://[::ffff:10.0.0.1]/cb', /private or link-local/],
    ['https://127.0.0.1/cb', /loopback endpoints need ALLOW_HTTP_LOOPBACK_CALLBACKS=true/],
    ['https://localhost/cb', /loopback endpoints need ALLOW_HTTP_LOOPBACK_CALLBACKS=true/],
    ['http://127.0.0.1:8080/cb', /plain-http loopback endpoints need ALLOW_HTTP_LOOPBACK_CALLBACKS=true/],
    ['http://[::1]:8080/cb', /plain-http loopback endpoints need ALLOW_HTTP_LOOPBACK_CALLBACKS=true/],
    ['http://localhost:8080/cb', /plain-http loopback endpoints need ALLOW_HTTP_LOOPBACK_CALLBACKS=true/],
  ])('refuses %s with a message on the field, and creates nothing', async (endpoint, message) => {
    setSwitch(false);
    const before = await db.client.count();
    for (const mode of ['ping', 'push']) {
      const fields = await refusal(create(mode, endpoint));
      expect(fields).toEqual([{ path: 'backchannel_client_notification_endpoint', message: expect.stringMatching(message) }]);
    }
    expect(await db.client.count()).toBe(before);
  });

  it('requires an endpoint for ping and push', async () => {
    for (const mode of ['ping', 'push']) {
      expect(await refusal(create(mode))).toEqual([
        {
          path: 'backchannel_client_notification_endpoint',
          message: `is required when backchannel_token_delivery_mode is ${mode}`,
        },
      ]);
      expect(await refusal(create(mode, null))).toHaveLength(1);
    }
  });

  it('accepts an https endpoint on a public address', async () => {
    setSwitch(false);
    const client = await create('push', 'https://93.184.215.14/ciba/cb?tenant=acme');
    expect(client).toMatchObject({
      backchannel_token_delivery_mode: 'push',
      backchannel_client_notification_endpoint: 'https://93.184.215.14/ciba/cb?tenant=acme',
    });
  });

  it('with ALLOW_HTTP_LOOPBACK_CALLBACKS=true, accepts plain-http loopback endpoints (and still refuses private ones)', async () => {
    setSwitch(true);
    for (const endpoint of ['http://127.0.0.1:4300/cb', 'http://[::1]:4300/cb', 'http://localhost:4300/cb']) {
      expect(await create('ping', endpoint)).toMatchObject({ backchannel_client_notification_endpoint: endpoint });
    }
    expect(await refusal(create('ping', 'http://10.0.0.1/cb'))).toHaveLength(1);
    expect(await refusal(create('ping', 'https://192.168.0.1/cb'))).toHaveLength(1);
    setSwitch(false);
  });

  it('refuses the same at update, leaving the client as it was', async () => {
    setSwitch(false);
    const client = await create('poll');
    const fields = await refusal(
      updateClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        clientId: client.client_id,
        metadata: { backchannel_token_delivery_mode: 'ping', backchannel_client_notification_endpoint: 'https://10.0.0.8/cb' },
      }),
    );
    expect(fields).toEqual([{ path: 'backchannel_client_notification_endpoint', message: expect.stringMatching(/private/) }]);
    expect(
      await refusal(
        updateClient(db, CLI_PRINCIPAL, {
          tenantSlug: 'acme',
          clientId: client.client_id,
          metadata: { backchannel_token_delivery_mode: 'push' },
        }),
      ),
    ).toEqual([
      { path: 'backchannel_client_notification_endpoint', message: 'is required when backchannel_token_delivery_mode is push' },
    ]);
    const stored = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });
    expect(stored).toMatchObject({ deliveryMode: 'poll', notificationEndpoint: null });

    const updated = await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: client.client_id,
      metadata: { backchannel_token_delivery_mode: 'ping', backchannel_client_notification_endpoint: 'https://93.184.215.14/cb' },
    });
    expect(updated).toMatchObject({ backchannel_token_delivery_mode: 'ping' });
  });
});

describe('callback addresses (checked at registration and again at each delivery)', () => {
  it.each([
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['127.0.0.1', false],
    ['127.9.9.9', false],
    ['::1', false],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['100.64.0.1', false],
    ['172.31.255.255', false],
    ['192.168.0.1', false],
    ['169.254.169.254', false],
    ['fc00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['224.0.0.1', false],
  ])('%s is allowed: %s', (address, allowed) => {
    expect(isAllowedCallbackAddress(address, { allowLoopback: false })).toBe(allowed);
  });

  it('refuses a name with any private address among its addresses (resolved at delivery: DNS rebinding)', async () => {
    const check = (addresses: string[]) =>
      checkNotificationEndpoint('https://app.example.com/cb', { allowHttpLoopback: false, resolve: async () => addresses });
    expect(await check(['93.184.215.14'])).toMatchObject({ ok: true, addresses: ['93.184.215.14'] });
    expect(await check(['93.184.215.14', '10.0.0.3'])).toMatchObject({ ok: false });
    expect(await check(['127.0.0.1'])).toMatchObject({ ok: false });
    expect(await check([])).toMatchObject({ ok: false, problem: expect.stringMatching(/resolves/) });
  });
});

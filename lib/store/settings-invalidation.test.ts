// Settings-cache invalidation by PostgreSQL LISTEN/NOTIFY (settings-invalidation.ts), between two
// "instances" — each its own store, settings cache and notification connection on one database.
// PostgreSQL only (TEST_POSTGRES_URL); on SQLite every request reads the epoch (protocol-store.test.ts).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { updateClient } from '@/lib/admin/update-client';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { createPostgresListener, type PostgresListener } from '@/lib/db/postgres-listener';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { createProtocolStore, type ProtocolStore } from '@/lib/store/protocol-store';
import { createSettingsCache, type SettingsCache } from '@/lib/store/settings-cache';
import { observedSettingsEpoch, SETTINGS_CHANNEL } from '@/lib/store/settings-epoch';
import { followSettingsNotifications } from '@/lib/store/settings-invalidation';
import { createPostgresEngine } from '@/lib/store/sql/postgres-engine';
import { useTestDatabase } from '@/lib/testing/test-database';

const onPostgres = Boolean(process.env.TEST_POSTGRES_URL);

describe.skipIf(!onPostgres)('settings cache following NOTIFY (PostgreSQL)', () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let clientId: string;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    ({ db, cleanup } = await useTestDatabase());
    await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
    clientId = (await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } })).client_id;
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await cleanup();
  });

  /** An instance: its own pool, settings cache and notification connection; `epochReads` counts the epoch reads of its requests. */
  const instance = async () => {
    const store: ProtocolStore = createProtocolStore(createPostgresEngine(getEnv().databaseUrl));
    const epochReads = vi.spyOn(store, 'readSettingsEpoch');
    const settings: SettingsCache = createSettingsCache(store);
    const listener: PostgresListener = createPostgresListener(getEnv().databaseUrl);
    const stop = followSettingsNotifications(settings, listener);
    closers.push(async () => {
      stop();
      await listener.close();
      await store.close();
    });
    await vi.waitFor(() => expect(settings.followsNotifications()).toBe(true), { timeout: 15_000 });

    return { store, settings, listener, epochReads };
  };

  /**
   * A settings change committed by another process (as bumpSettingsEpoch does there, on its own
   * connection): the client renamed, the epoch bumped and NOTIFYed in one transaction — unless
   * `notify` is false (a notification this instance never receives).
   */
  const changeElsewhere = async (name: string, { notify = true } = {}) => {
    const other = new pg.Client({ connectionString: getEnv().databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      const [{ epoch }] = (
        await other.query<{ epoch: number }>('UPDATE "SettingsEpoch" SET "epoch" = "epoch" + 1 WHERE "id" = 1 RETURNING "epoch"')
      ).rows;
      await other.query('UPDATE "Client" SET "name" = $1 WHERE "clientId" = $2', [name, clientId]);
      if (notify) await other.query('SELECT pg_notify($1, $2)', [SETTINGS_CHANNEL, String(epoch)]);
      await other.query('COMMIT');

      return epoch;
    } finally {
      await other.end();
    }
  };

  it('sees a change committed elsewhere by its NOTIFY, without reading the epoch per request', async () => {
    const { settings, epochReads } = await instance();
    await settings.validate();
    expect((await settings.findClientByClientId(clientId))?.name).toBe('Desk');
    const epoch = await changeElsewhere('Front desk');
    await vi.waitFor(async () => {
      await settings.validate();
      expect((await settings.findClientByClientId(clientId))?.name).toBe('Front desk');
    });
    expect(await settings.validate()).toBe(epoch);
    expect(observedSettingsEpoch()).toBe(epoch);
    expect(epochReads).not.toHaveBeenCalled();
  });

  it("sees this process's own change at its very next request (read-your-writes), then stops reading again", async () => {
    const { settings, epochReads } = await instance();
    await settings.validate();
    await updateClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId, metadata: { client_name: 'Own change' } });
    // No waiting for the notification: the cache reads the epoch while this process's bump is unheard.
    await settings.validate();
    expect((await settings.findClientByClientId(clientId))?.name).toBe('Own change');
    // Once its notification is back, requests read nothing again.
    await vi.waitFor(() => expect(settings.followsNotifications()).toBe(true));
    epochReads.mockClear();
    await settings.validate();
    expect(epochReads).not.toHaveBeenCalled();
  });

  it('falls back to reading the epoch per request while disconnected, and resets the whole cache after reconnecting', async () => {
    const { settings, listener, epochReads, store } = await instance();
    const loads = vi.spyOn(store, 'findClientByClientId');
    await settings.validate();
    await settings.findClientByClientId(clientId);
    expect(loads).toHaveBeenCalledTimes(1);
    listener.dropConnection();
    expect(settings.followsNotifications()).toBe(false);
    // Disconnected: every request reads the epoch, and so still sees a change (this one notifies nobody).
    const whileDown = await changeElsewhere('Changed while down', { notify: false });
    expect(await settings.validate()).toBe(whileDown);
    expect(epochReads).toHaveBeenCalledTimes(1);
    expect((await settings.findClientByClientId(clientId))?.name).toBe('Changed while down');
    // Reconnected within RECONNECT_MS: following again, and everything cached before was dropped.
    await vi.waitFor(() => expect(settings.followsNotifications()).toBe(true), { timeout: 15_000 });
    loads.mockClear();
    epochReads.mockClear();
    await settings.validate();
    await settings.findClientByClientId(clientId);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(epochReads).not.toHaveBeenCalled();
  });

  it('a change whose notification was missed during the outage is seen after the reconnect', async () => {
    const { settings, listener } = await instance();
    await settings.validate();
    await settings.findClientByClientId(clientId);
    listener.dropConnection();
    await changeElsewhere('Missed notification', { notify: false });
    await vi.waitFor(() => expect(settings.followsNotifications()).toBe(true), { timeout: 15_000 });
    await settings.validate();
    expect((await settings.findClientByClientId(clientId))?.name).toBe('Missed notification');
  });

  it('two instances: a change on one reaches the other within a second', async () => {
    const a = await instance();
    const b = await instance();
    await b.settings.validate();
    await b.settings.findClientByClientId(clientId);
    const before = performance.now();
    await changeElsewhere('Seen by both');
    await vi.waitFor(
      async () => {
        for (const { settings } of [a, b]) {
          await settings.validate();
          expect((await settings.findClientByClientId(clientId))?.name).toBe('Seen by both');
        }
      },
      { timeout: 1_000, interval: 5 },
    );
    console.info(`settings change → seen by two instances: ${(performance.now() - before).toFixed(1)} ms`);
    expect(a.epochReads).not.toHaveBeenCalled();
    expect(b.epochReads).not.toHaveBeenCalled();
  });
});

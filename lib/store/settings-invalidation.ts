import type { PostgresListener } from '@/lib/db/postgres-listener';
import { log } from '@/lib/log';
import { selectSettingsEpoch } from '@/lib/store/queries';
import { bindValues } from '@/lib/store/sql/define-query';
import type { SettingsCache } from '@/lib/store/settings-cache';
import { SETTINGS_CHANNEL } from '@/lib/store/settings-epoch';

/**
 * Keeps `cache` current from settings notifications (PostgreSQL): every
 * bumpSettingsEpoch NOTIFYs SETTINGS_CHANNEL with the new epoch at commit, so
 * protocol requests stop reading the epoch once this process LISTENs. At
 * each (re)LISTEN the epoch is read on the listening connection — after
 * LISTEN, so no change can fall between the two — and the whole cache is
 * dropped, since notifications may have been missed while not listening.
 * While the connection is down the cache reads the epoch at every request.
 * Returns the function that stops following (the cache reads the epoch again).
 */
export const followSettingsNotifications = (cache: SettingsCache, listener: PostgresListener): (() => void) => {
  const stop = listener.listen(SETTINGS_CHANNEL, {
    onNotification: (payload) => {
      const epoch = Number(payload);
      if (Number.isSafeInteger(epoch)) cache.following.notified(epoch);
    },
    onListening: (query) => {
      const token = cache.following.listening();
      const statement = selectSettingsEpoch.postgres;
      query<{ epoch: number }>(
        statement.sql,
        bindValues(statement, {}, (value) => value),
      ).then(
        ([row]) => {
          if (row) cache.following.resume(token, Number(row.epoch));
        },
        (error: unknown) => {
          // Still reading the epoch per request; the connection's failure will reconnect it.
          log.warn({ err: error }, 'could not read the settings epoch after LISTEN');
        },
      );
    },
    onLost: () => cache.following.lost(),
  });

  return () => {
    stop();
    cache.following.lost();
  };
};

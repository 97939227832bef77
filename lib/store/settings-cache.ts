import { toClientRecord, type ClientRecord } from '@/lib/clients/client-record';
import { toAuthorizationTypeSet, type AuthorizationTypeSet } from '@/lib/oauth/authorization-details/authorization-type-record';
import type { PollRow, ProtocolStore, TenantRow } from '@/lib/store/protocol-store';
import { awaitedLocalEpoch, observeSettingsEpoch } from '@/lib/store/settings-epoch';

type Snapshot = {
  epoch: number;
  tenants: Map<string, TenantRow>;
  clients: Map<string, ClientRecord>;
  authorizationTypes: Map<string, AuthorizationTypeSet>;
};

const emptySnapshot = (epoch: number): Snapshot => ({
  epoch,
  tenants: new Map(),
  clients: new Map(),
  authorizationTypes: new Map(),
});

export type SettingsCache = {
  /**
   * Makes the cache current for a protocol request; call once at its start:
   * what the request then reads from the cache is what the database held at
   * that moment. While the cache follows notifications (`followsNotifications`)
   * that costs nothing; otherwise it reads the settings epoch and drops every
   * cached record if it moved. Resolves to the epoch in force, which is also
   * published to the process (observedSettingsEpoch) for other
   * settings-derived caches.
   */
  validate: () => Promise<number>;
  /**
   * As `validate` reading the epoch, for a token poll: reads the request it
   * names (by the hash of its auth_req_id) in the same statement as the
   * epoch. Resolves to that request, or null when none has this hash. Only
   * worth calling when the cache does not follow notifications.
   */
  validateForPoll: (authReqIdHash: string) => Promise<PollRow | null>;
  /**
   * Whether a request may skip the epoch read: the cache follows settings
   * notifications (PostgreSQL LISTEN, connected and caught up) and this
   * process has no settings change of its own in flight.
   */
  followsNotifications: () => boolean;
  /** What drives the cache from settings notifications (lib/store/settings-invalidation.ts). */
  following: SettingsFollowing;
  findTenantBySlug: (slug: string) => Promise<TenantRow | null>;
  /**
   * The client with this client_id (in any tenant), its settings validated.
   *
   * @throws InvalidStoredClientError when its stored settings are invalid (never cached).
   */
  findClientByClientId: (clientId: string) => Promise<ClientRecord | null>;
  /**
   * The tenant's authorization-details types (RFC 9396), schemas compiled,
   * by tenant id (an existing tenant's: callers found it first).
   */
  findAuthorizationTypes: (tenantId: string) => Promise<AuthorizationTypeSet>;
};

/**
 * How a settings cache follows notifications of settings changes. Until
 * `resume`, and from `lost` on, it reads the epoch at every request.
 */
export type SettingsFollowing = {
  /** LISTEN is in place (again): returns a token for the `resume` that follows the epoch read. */
  listening: () => number;
  /**
   * The epoch read after LISTEN (`token` from `listening`): every cached
   * record is dropped (notifications may have been missed while not
   * listening), and from now on notifications alone keep the cache current.
   */
  resume: (token: number, epoch: number) => void;
  /** A notification: settings changed, the epoch is now `epoch`. */
  notified: (epoch: number) => void;
  /** The notification connection is lost: back to reading the epoch at every request. */
  lost: () => void;
};

/**
 * In-memory tenants and clients for the protocol endpoints, invalidated by
 * the settings epoch (see the SettingsEpoch model): any process or instance
 * that changes settings bumps it in the same transaction. Only records that
 * exist are cached, so lookups of random identifiers cannot grow memory.
 *
 * The epoch reaches the cache one of two ways. By default it is read at
 * every request (SQLite: a CLI in another process changes the same file and
 * tells nobody; the read is a cached page, and a poll's shares its
 * statement). On PostgreSQL, once the process's notification connection
 * LISTENs (`following`), each change's NOTIFY brings the new epoch and no
 * request reads it; a reconnect drops the whole cache, and whenever the
 * connection is down the per-request read is back.
 */
export const createSettingsCache = (store: ProtocolStore): SettingsCache => {
  let snapshot = emptySnapshot(Number.NaN);
  /** Whether notifications keep the cache current (LISTEN in place and caught up). */
  let followed = false;
  /** Bumped at each listening/lost: a resume from an earlier connection is stale. */
  let generation = 0;
  /** The highest epoch notified since the last `listening`, for the resume that follows. */
  let notifiedSinceListening = Number.NEGATIVE_INFINITY;

  const cached = async <T>(
    pick: (from: Snapshot) => Map<string, T>,
    key: string,
    load: (key: string) => Promise<T | null>,
  ): Promise<T | null> => {
    const from = snapshot;
    const hit = pick(from).get(key);
    if (hit) return hit;
    const loaded = await load(key);
    // Stored into the snapshot the lookup began with: if the epoch moved
    // meanwhile, that snapshot is already discarded.
    if (loaded) pick(from).set(key, loaded);

    return loaded;
  };

  const loadClient = async (clientId: string): Promise<ClientRecord | null> => {
    const row = await store.findClientByClientId(clientId);

    return row ? toClientRecord(row) : null;
  };

  /**
   * An epoch read or notified. While followed the epoch only moves forward
   * (a read that started before a notification must not undo it); otherwise
   * any other value (a recreated database) replaces the cache, as before.
   */
  const adopt = (epoch: number): void => {
    if (followed ? epoch > snapshot.epoch : epoch !== snapshot.epoch) snapshot = emptySnapshot(epoch);
    observeSettingsEpoch(snapshot.epoch);
  };

  const followsNotifications = () => {
    if (!followed) return false;
    const awaited = awaitedLocalEpoch();

    return awaited === undefined || awaited <= snapshot.epoch;
  };

  return {
    validate: async () => {
      if (followsNotifications()) return snapshot.epoch;
      adopt(await store.readSettingsEpoch());

      return snapshot.epoch;
    },
    validateForPoll: async (authReqIdHash) => {
      const { epoch, request } = await store.readSettingsEpochAndPoll(authReqIdHash);
      adopt(epoch);

      return request;
    },
    followsNotifications,
    following: {
      listening: () => {
        followed = false;
        notifiedSinceListening = Number.NEGATIVE_INFINITY;
        generation += 1;

        return generation;
      },
      resume: (token, epoch) => {
        if (token !== generation) return;
        // Whatever was missed while not listening: start afresh.
        snapshot = emptySnapshot(Math.max(epoch, notifiedSinceListening));
        observeSettingsEpoch(snapshot.epoch);
        followed = true;
      },
      notified: (epoch) => {
        notifiedSinceListening = Math.max(notifiedSinceListening, epoch);
        if (followed) adopt(epoch);
      },
      lost: () => {
        followed = false;
        generation += 1;
      },
    },
    findTenantBySlug: (slug) =>
      cached(
        (from) => from.tenants,
        slug,
        (key) => store.findTenantBySlug(key),
      ),
    findClientByClientId: (clientId) => cached((from) => from.clients, clientId, loadClient),
    findAuthorizationTypes: async (tenantId) =>
      (await cached(
        (from) => from.authorizationTypes,
        tenantId,
        async (key) => toAuthorizationTypeSet(await store.listAuthorizationTypes(key)),
      )) ?? new Map(),
  };
};

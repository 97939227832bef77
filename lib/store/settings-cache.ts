import { toClientRecord, type ClientRecord } from '@/lib/clients/client-record';
import { toAuthorizationTypeSet, type AuthorizationTypeSet } from '@/lib/oauth/authorization-details/authorization-type-record';
import type { PollRow, ProtocolStore, TenantRow } from '@/lib/store/protocol-store';
import { observeSettingsEpoch } from '@/lib/store/settings-epoch';

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
   * Reads the settings epoch and drops every cached record if it moved.
   * Call once at the start of each protocol request: what the request then
   * reads from the cache is exactly what the database held at that moment.
   * Resolves to the epoch read, which is also published to the process
   * (observedSettingsEpoch) for other settings-derived caches.
   */
  validate: () => Promise<number>;
  /**
   * As `validate`, for a token poll: reads the request it names (by the hash
   * of its auth_req_id) in the same statement as the epoch. Resolves to that
   * request, or null when none has this hash.
   */
  validateForPoll: (authReqIdHash: string) => Promise<PollRow | null>;
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
 * In-memory tenants and clients for the protocol endpoints, invalidated by
 * the settings epoch (see the SettingsEpoch model): any process or instance
 * that changes settings bumps it in the same transaction. Only records that
 * exist are cached, so lookups of random identifiers cannot grow memory.
 */
export const createSettingsCache = (store: ProtocolStore): SettingsCache => {
  let snapshot = emptySnapshot(Number.NaN);

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

  const adopt = (epoch: number): void => {
    if (epoch !== snapshot.epoch) snapshot = emptySnapshot(epoch);
    observeSettingsEpoch(epoch);
  };

  return {
    validate: async () => {
      const epoch = await store.readSettingsEpoch();
      adopt(epoch);

      return epoch;
    },
    validateForPoll: async (authReqIdHash) => {
      const { epoch, request } = await store.readSettingsEpochAndPoll(authReqIdHash);
      adopt(epoch);

      return request;
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

import type { LiveRequestsSnapshot } from '@/lib/admin/list-live-requests';
import type { DeliveryView, LiveRequestView } from '@/lib/admin/live-request-view';
import type { RequestStatus } from '@/lib/store/request-lifecycle';

/**
 * The live monitor's snapshot as the page carries it to the browser: the
 * same LiveRequestsSnapshot, packed. With thousands of requests waiting,
 * the views repeat the same few applications and users and spell every time
 * in ISO-8601: as objects they are most of the page's weight (about 2.2 MB
 * for 5,000). Here applications and users are listed once and referred to by
 * index, times are epoch milliseconds, and each request is a tuple — about a
 * third of the size, decoded in one pass in the browser. Pure functions, no
 * server imports: both sides use them.
 */
export type PackedLiveSnapshot = {
  clients: [clientId: string, name: string][];
  users: [id: string, email: string][];
  pending: PackedRequest[];
  recent: PackedRequest[];
  pending_truncated: boolean;
  resume_after: string;
};

type PackedDelivery = [status: DeliveryView['status'], attempts: number, error: string | null];

type PackedRequest = [
  id: string,
  status: RequestStatus,
  client: number,
  user: number,
  scope: string,
  bindingMessage: string | null,
  createdAt: number,
  expiresAt: number,
  decidedAt: number | null,
  pollCount: number,
  lastPolledAt: number | null,
  delivery: PackedDelivery,
  agent: PackedAgent | null,
];

type PackedAgent = [iss: string, sub: string, name: string | null, actingFor: string | null];

const epoch = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Assigns each distinct key an index, in first-seen order. */
const indexer = <T>(key: (value: T) => string) => {
  const indexes = new Map<string, number>();
  const values: T[] = [];

  return {
    indexOf: (value: T): number => {
      const k = key(value);
      let index = indexes.get(k);
      if (index === undefined) {
        index = values.push(value) - 1;
        indexes.set(k, index);
      }

      return index;
    },
    values,
  };
};

export const packLiveSnapshot = (snapshot: LiveRequestsSnapshot): PackedLiveSnapshot => {
  const clients = indexer<[string, string]>(([clientId]) => clientId);
  const users = indexer<[string, string]>(([id]) => id);
  const pack = (view: LiveRequestView): PackedRequest => [
    view.id,
    view.status,
    clients.indexOf([view.client_id, view.client_name]),
    users.indexOf([view.user.id, view.user.email]),
    view.scope,
    view.binding_message,
    Date.parse(view.created_at),
    Date.parse(view.expires_at),
    epoch(view.decided_at),
    view.poll_count,
    epoch(view.last_polled_at),
    [view.delivery.status, view.delivery.attempts, view.delivery.error],
    view.agent === null ? null : [view.agent.iss, view.agent.sub, view.agent.name, view.agent.acting_for],
  ];
  const pending = snapshot.pending.map(pack);
  const recent = snapshot.recent.map(pack);

  return {
    clients: clients.values,
    users: users.values,
    pending,
    recent,
    pending_truncated: snapshot.pending_truncated,
    resume_after: snapshot.resume_after,
  };
};

export const unpackLiveSnapshot = (packed: PackedLiveSnapshot): LiveRequestsSnapshot => {
  const unpack = ([
    id,
    status,
    client,
    user,
    scope,
    bindingMessage,
    createdAt,
    expiresAt,
    decidedAt,
    pollCount,
    lastPolledAt,
    [deliveryStatus, attempts, error],
    agent,
  ]: PackedRequest): LiveRequestView => ({
    id,
    status,
    client_id: packed.clients[client][0],
    client_name: packed.clients[client][1],
    user: { id: packed.users[user][0], email: packed.users[user][1] },
    scope,
    binding_message: bindingMessage,
    created_at: new Date(createdAt).toISOString(),
    expires_at: new Date(expiresAt).toISOString(),
    decided_at: iso(decidedAt),
    poll_count: pollCount,
    last_polled_at: iso(lastPolledAt),
    delivery: { status: deliveryStatus, attempts, error },
    agent: agent === null ? null : { iss: agent[0], sub: agent[1], name: agent[2], acting_for: agent[3] },
  });

  return {
    pending: packed.pending.map(unpack),
    pending_truncated: packed.pending_truncated,
    recent: packed.recent.map(unpack),
    resume_after: packed.resume_after,
  };
};

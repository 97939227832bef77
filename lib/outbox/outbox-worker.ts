import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { buildEvent } from '@/lib/events/build-event';
import type { EventRecord } from '@/lib/events/event-types';
import { log } from '@/lib/log';
import { getMetrics } from '@/lib/metrics/registry';
import type { OutboxHandler, DeliveryResult } from '@/lib/outbox/outbox-handler';
import { openOutboxSecret } from '@/lib/outbox/outbox-secret';
import type { ClaimedOutboxMessage, OutboxOutcome, OutboxSettlement, ProtocolStore } from '@/lib/store/protocol-store';

/** Attempts per message before it is marked failed for good. */
export const MAX_OUTBOX_ATTEMPTS = 8;
/** A claim lasts this long; a worker that dies mid-delivery loses its messages to another after it. */
export const OUTBOX_LEASE_MS = 60_000;
const BATCH_SIZE = 50;
const RECLAIM_EVERY_MS = 5_000;
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 10 * 60_000;

/** Bounded exponential back-off after attempt `attempt` failed: 5 s, 10 s, 20 s … at most 10 min. */
export const outboxRetryDelayMs = (attempt: number): number => Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);

export type OutboxWorker = {
  /** Claims and delivers due messages until none is left (or the worker stops); resolves to how many were attempted. */
  drain(): Promise<number>;
  /** Claims nothing more: a drain in progress ends after the batch it is delivering. */
  stop(): void;
  /**
   * Gives up this worker's leases on messages whose delivery has not been
   * recorded (a shutdown that cannot wait for them): another instance takes
   * them over at its next claim instead of after the lease. Resolves to how many.
   */
  release(): Promise<number>;
};

export type OutboxWorkerOptions = {
  store: ProtocolStore;
  handlers: readonly OutboxHandler[];
  /** Who holds the leases (default: host, pid and a random suffix). */
  owner?: string;
  leaseMs?: number;
  clock?: () => Date;
};

/** Optional event subject members a payload may carry (the request's client and user). */
const payloadSubject = (payload: string): { clientId: string | null; userId: string | null } => {
  try {
    const parsed = JSON.parse(payload) as { clientId?: unknown; userId?: unknown };

    return {
      clientId: typeof parsed.clientId === 'string' ? parsed.clientId : null,
      userId: typeof parsed.userId === 'string' ? parsed.userId : null,
    };
  } catch {
    return { clientId: null, userId: null };
  }
};

const defaultRetryAt = (attempt: number, now: Date): Date | null =>
  attempt >= MAX_OUTBOX_ATTEMPTS ? null : new Date(now.getTime() + outboxRetryDelayMs(attempt));

const settlementFor = (
  result: DeliveryResult,
  message: ClaimedOutboxMessage,
  handler: OutboxHandler | undefined,
  now: Date,
): OutboxSettlement => {
  if (result.ok) {
    return { kind: 'delivered', providerMessageId: result.providerMessageId, keepSecret: result.keepSecret === true };
  }
  const availableAt = !result.retryable
    ? null
    : handler?.retryAt
      ? handler.retryAt(message, message.attempts, now)
      : defaultRetryAt(message.attempts, now);
  if (availableAt === null) return { kind: 'failed', error: result.error.slice(0, 2000) };

  return { kind: 'retry', error: result.error.slice(0, 2000), availableAt, encryptedSecret: result.sealedSecret };
};

/** The event an attempt writes, by the handler's kind of events. */
const attemptEvent = (
  kind: 'notification' | 'callback',
  subject: Parameters<typeof buildEvent>[1],
  {
    message,
    settlement,
    channel,
    revokesTokens,
  }: { message: ClaimedOutboxMessage; settlement: OutboxSettlement; channel: string; revokesTokens: boolean },
  now: Date,
): EventRecord => {
  if (kind === 'callback') {
    return settlement.kind === 'delivered'
      ? buildEvent(
          'ciba_callback_delivered',
          subject,
          { mode: channel, outbox_message_id: message.id, attempt: message.attempts, response: settlement.providerMessageId },
          now,
        )
      : buildEvent(
          'ciba_callback_failed',
          subject,
          {
            mode: channel,
            outbox_message_id: message.id,
            attempt: message.attempts,
            error: settlement.error,
            final: settlement.kind === 'failed',
            next_attempt_at: settlement.kind === 'retry' ? settlement.availableAt.toISOString() : null,
            tokens_revoked: settlement.kind === 'failed' && revokesTokens,
          },
          now,
        );
  }

  return settlement.kind === 'delivered'
    ? buildEvent(
        'ciba_notification_sent',
        subject,
        { channel, outbox_message_id: message.id, attempt: message.attempts, provider_message_id: settlement.providerMessageId },
        now,
      )
    : buildEvent(
        'ciba_notification_failed',
        subject,
        {
          channel,
          outbox_message_id: message.id,
          attempt: message.attempts,
          error: settlement.error,
          final: settlement.kind === 'failed',
          next_attempt_at: settlement.kind === 'retry' ? settlement.availableAt.toISOString() : null,
        },
        now,
      );
};

/**
 * The outbox worker: claims due messages with a lease, delivers each through
 * its type's handler, and records the outcome (and a notification event)
 * while still holding the lease. At-least-once delivery, made idempotent by
 * the handlers (the message id is the idempotency key); every attempt is
 * recorded, an attempt cut short by a crash is recorded as interrupted when its
 * message is reclaimed after the lease.
 */
export const createOutboxWorker = (options: OutboxWorkerOptions): OutboxWorker => {
  const { store } = options;
  const handlers = new Map(options.handlers.map((handler) => [handler.type, handler]));
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? OUTBOX_LEASE_MS;
  const clock = options.clock ?? (() => new Date());

  const attempt = async (message: ClaimedOutboxMessage, handler: OutboxHandler | undefined): Promise<DeliveryResult> => {
    if (!handler) return { ok: false, error: `No handler for outbox messages of type "${message.type}".`, retryable: false };
    const secret = message.encryptedSecret === null ? null : openOutboxSecret(message.encryptedSecret, message.id);
    if (message.encryptedSecret !== null && secret === null) {
      return { ok: false, error: 'The message secret cannot be opened with this key-encryption key.', retryable: false };
    }
    try {
      return await handler.deliver(message, secret);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), retryable: true };
    }
  };

  const deliver = async (message: ClaimedOutboxMessage): Promise<OutboxOutcome> => {
    const handler = handlers.get(message.type);
    const result = await attempt(message, handler);
    const now = clock();
    const settlement = settlementFor(result, message, handler, now);
    const revokesTokens = handler?.revokesTokensOnFinalFailure === true && message.requestId !== null;
    const events: EventRecord[] = [];
    if (message.requestId !== null) {
      const subject = { tenantId: message.tenantId, requestId: message.requestId, ...payloadSubject(message.payload) };
      const channel = handler?.channel ?? message.type;
      events.push(attemptEvent(handler?.events ?? 'notification', subject, { message, settlement, channel, revokesTokens }, now));
    }
    if (settlement.kind !== 'delivered') {
      // By the handler's channel (email, ping, push, …): a new channel is counted without a change here.
      getMetrics().recordDeliveryFailure(handler?.channel ?? message.type, settlement.kind === 'failed');
      log.warn(
        {
          outboxMessageId: message.id,
          type: message.type,
          attempt: message.attempts,
          final: settlement.kind === 'failed',
          error: settlement.error,
        },
        'outbox delivery failed',
      );
    }
    return {
      message,
      settlement,
      events,
      revokeRequestTokens: settlement.kind === 'failed' && revokesTokens,
      removePushSubscription: result.ok ? null : (result.removePushSubscription ?? null),
    };
  };

  /** Messages of dead workers are looked for at most this often (and at a worker's first drain). */
  const reclaimEveryMs = Math.min(Math.ceil(leaseMs / 4), RECLAIM_EVERY_MS);
  let lastReclaimAt = Number.NEGATIVE_INFINITY;
  let stopped = false;

  /** One batch: claim, attempt every message, then record every outcome in one unit. */
  const drainOnce = async (claim: ProtocolStore['claimOutbox']): Promise<number> => {
    if (stopped) return 0;
    const claimed = await claim({ owner, now: clock(), leaseMs, limit: BATCH_SIZE });
    if (claimed.length === 0) return 0;
    const outcomes = await Promise.all(claimed.map(deliver));
    const settled = await store.settleOutbox({ owner, now: clock(), outcomes });
    settled.forEach((ok, index) => {
      if (!ok) log.warn({ outboxMessageId: claimed[index].id }, 'outbox lease lost before the outcome was recorded');
    });

    return claimed.length;
  };

  return {
    drain: async () => {
      let total = 0;
      const now = clock().getTime();
      if (now - lastReclaimAt >= reclaimEveryMs) {
        lastReclaimAt = now;
        let count: number;
        do {
          count = await drainOnce((options) => store.reclaimLapsedOutbox(options));
          total += count;
        } while (count === BATCH_SIZE);
      }
      for (;;) {
        const count = await drainOnce((options) => store.claimOutbox(options));
        total += count;
        if (count < BATCH_SIZE) return total;
      }
    },
    stop: () => {
      stopped = true;
    },
    release: () => store.releaseOutboxLeases({ owner, now: clock() }),
  };
};

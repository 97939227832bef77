import type { DeliveryResult as EmailDeliveryResult } from '@/lib/email/deliver-email';
import type { ClaimedOutboxMessage, PushSubscriptionRef } from '@/lib/store/protocol-store';

/**
 * One attempt's result. After a failure, `sealedSecret` is the message's
 * secret as the attempt left it (a push that minted its tokens), kept for the
 * retry instead of the one claimed; `removePushSubscription`: the Web Push
 * subscription the push service said is gone (404/410), removed in the unit
 * that records the outcome.
 */
export type DeliveryResult = EmailDeliveryResult & { sealedSecret?: string; removePushSubscription?: PushSubscriptionRef };

/**
 * How one type of outbox message is delivered (the channel interface): the
 * approval email, ping/push callbacks and Web Push notifications. `deliver` makes
 * one attempt and never throws for a delivery failure; it must be idempotent
 * under retry — the message id is the provider's idempotency key (and the
 * id in callbacks), so an attempt repeated after a crash is delivered once.
 * The message's sealed secret is erased once the message is final, unless a
 * delivery answers `keepSecret` (the development outbox, for the console).
 */
export type OutboxHandler = {
  /** OutboxMessage.type */
  readonly type: string;
  /** The channel named in notification events, e.g. "email". */
  readonly channel: string;
  deliver(message: ClaimedOutboxMessage, secret: string | null): Promise<DeliveryResult>;
  /**
   * When a retryable failure of attempt `attempt` is tried again, or null to
   * give up (the failure is then final). Default: outboxRetryDelayMs, at most
   * MAX_OUTBOX_ATTEMPTS attempts.
   */
  retryAt?(message: ClaimedOutboxMessage, attempt: number, now: Date): Date | null;
  /**
   * The events an attempt writes: `notification` (ciba_notification_sent /
   * _failed, the default) or `callback` (ciba_callback_delivered / _failed:
   * ping and push callbacks to the client).
   */
  readonly events?: 'notification' | 'callback';
  /**
   * A final failure revokes the tokens of the message's request, in the unit
   * that records it (push: tokens that never reached the client must not
   * stay valid anywhere).
   */
  readonly revokesTokensOnFinalFailure?: boolean;
};

import type { DeliveryResult } from '@/lib/email/deliver-email';
import type { ClaimedOutboxMessage } from '@/lib/store/protocol-store';

export type { DeliveryResult };

/**
 * How one type of outbox message is delivered (the channel interface): the
 * approval email now; ping/push callbacks and Web Push next. `deliver` makes
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
};

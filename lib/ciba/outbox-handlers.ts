import { createEnrollmentEmailHandler } from '@/lib/authenticator/enrollment-email';
import { createApprovalEmailHandler } from '@/lib/ciba/approval-email';
import { createPingCallbackHandler, createPushCallbackHandler } from '@/lib/ciba/client-callback-handler';
import { createWebPushHandler, type WebPushHandlerOptions } from '@/lib/ciba/push-notification';
import { createUserCodeEmailHandler } from '@/lib/ciba/user-code-email';
import type { Db } from '@/lib/db/client';
import type { OutboxHandler } from '@/lib/outbox/outbox-handler';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/**
 * Every kind of message the outbox delivers: the approval email, the Web Push
 * notification to an enrolled authenticator, the self-service user-code link
 * and authenticator enrolment emails (to the user) and the ping and push callbacks (to the client, CIBA §10.2, §10.3).
 * `clock`: tests that move time through retries; `webPush`: tests that push to a local push service.
 */
export const createOutboxHandlers = (
  { db, store }: { db: Db; store: ProtocolStore },
  clock?: () => Date,
  options: { webPush?: WebPushHandlerOptions } = {},
): OutboxHandler[] => [
  createApprovalEmailHandler(store, clock),
  createWebPushHandler(db, clock, options.webPush),
  createPingCallbackHandler(db, clock),
  createPushCallbackHandler({ db, store }, clock),
  createUserCodeEmailHandler(store, clock),
  createEnrollmentEmailHandler(db, clock),
];

import { createEnrollmentEmailHandler } from '@/lib/authenticator/enrollment-email';
import { createApprovalEmailHandler } from '@/lib/ciba/approval-email';
import { createPingCallbackHandler, createPushCallbackHandler } from '@/lib/ciba/client-callback-handler';
import { createUserCodeEmailHandler } from '@/lib/ciba/user-code-email';
import type { Db } from '@/lib/db/client';
import type { OutboxHandler } from '@/lib/outbox/outbox-handler';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/**
 * Every kind of message the outbox delivers: the approval email and the
 * self-service user-code link and authenticator enrolment emails (to the user) and the ping and push callbacks (to the client, CIBA §10.2, §10.3).
 * `clock`: tests that move time through retries.
 */
export const createOutboxHandlers = ({ db, store }: { db: Db; store: ProtocolStore }, clock?: () => Date): OutboxHandler[] => [
  createApprovalEmailHandler(store, clock),
  createPingCallbackHandler(db, clock),
  createPushCallbackHandler({ db, store }, clock),
  createUserCodeEmailHandler(store, clock),
  createEnrollmentEmailHandler(db, clock),
];

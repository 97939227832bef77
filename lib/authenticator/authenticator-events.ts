import type { Db } from '@/lib/db/client';
import type { AdminChange } from '@/lib/events/event-types';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';

type EventWriter = Pick<Db, 'event'>;

/** Event.actor of what the user did themself in the authenticator app (enrolled, revoked their own device). */
export const userActorLabel = (userId: string): string => `user:${userId}`;

/**
 * Records an authenticator event (authenticator_enrollment_sent,
 * authenticator_enrolled, authenticator_revoked) in the one event stream,
 * with the user it concerns (Event.userId: the user's timeline) and who did
 * it (an admin principal's label, or `user:<id>`). Call inside the
 * transaction of the change. `target` is the device or enrolment id; never a
 * token, key or push endpoint.
 */
export const recordAuthenticatorEvent = async (
  tx: EventWriter,
  options: {
    type: 'authenticator_enrollment_sent' | 'authenticator_enrolled' | 'authenticator_revoked';
    tenantId: string;
    userId: string;
    actor: string;
    change: AdminChange;
    at: Date;
  },
): Promise<void> => {
  await tx.event.create({
    data: {
      id: timeOrderedId(options.at),
      tenantId: options.tenantId,
      userId: options.userId,
      type: options.type,
      actor: options.actor,
      detail: JSON.stringify(options.change),
      createdAt: options.at,
    },
  });
};

import type { EventDetails, EventRecord, EventSubject, EventType } from '@/lib/events/event-types';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';

/** The row for one typed event, to be written in the same unit as the change it records. */
export const buildEvent = <T extends EventType>(
  type: T,
  subject: EventSubject,
  detail: EventDetails[T],
  at: Date,
): EventRecord => ({
  id: timeOrderedId(at),
  tenantId: subject.tenantId,
  type,
  actor: null,
  requestId: subject.requestId ?? null,
  clientId: subject.clientId ?? null,
  userId: subject.userId ?? null,
  detail: JSON.stringify(detail),
  createdAt: at,
});

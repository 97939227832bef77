import { actorLabel, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import type { AdminChange, AdminEventType } from '@/lib/events/event-types';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';

type EventWriter = Pick<Db, 'event'>;

/**
 * Records an administrative change in the event stream (the audit log), with
 * who made it. Call inside the transaction of the change itself, so a change
 * is never without its record. `before`/`after` must hold settings only,
 * never a secret or its hash.
 */
export const recordAdminEvent = async (
  tx: EventWriter,
  options: { principal: Principal; type: AdminEventType; tenantId: string | null; change: AdminChange; at?: Date },
): Promise<void> => {
  const at = options.at ?? new Date();
  await tx.event.create({
    data: {
      id: timeOrderedId(at),
      tenantId: options.tenantId,
      type: options.type,
      actor: actorLabel(options.principal),
      detail: JSON.stringify(options.change),
      createdAt: at,
    },
  });
};

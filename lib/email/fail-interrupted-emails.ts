import type { Db } from '@/lib/db/client';
import { EMAIL_SEND_TIMEOUT_MS } from '@/lib/email/send-email';

/** An email still "sending" this long after it was stored is no longer in flight anywhere. */
export const INTERRUPTED_EMAIL_AGE_MS = EMAIL_SEND_TIMEOUT_MS + 50_000;

/**
 * Marks emails whose sender stopped before the provider answered (a crash or
 * a kill between storing the request and hearing back) as failed, so the
 * failure is visible rather than "sending" forever. Run at start; the age
 * bound leaves other instances' in-flight sends alone. Returns how many.
 */
export const failInterruptedEmails = async (db: Db, now = new Date()): Promise<number> => {
  const { count } = await db.emailMessage.updateMany({
    where: { status: 'sending', createdAt: { lt: new Date(now.getTime() - INTERRUPTED_EMAIL_AGE_MS) } },
    data: {
      status: 'failed',
      error: 'The server stopped before the email provider answered: delivery is unknown.',
    },
  });

  return count;
};

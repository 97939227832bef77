import { createHmac } from 'node:crypto';
import { enrollmentSentRecently, queueEnrollment } from '@/lib/authenticator/enrollment';
import { userActorLabel } from '@/lib/authenticator/authenticator-events';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { constantEquals } from '@/lib/oauth/crypto';
import { wakeOutbox } from '@/lib/outbox/wake-outbox';
import { isSameOriginPost, verifyCsrfToken } from '@/lib/security/csrf';

/**
 * "Approve faster next time": after deciding on the emailed approval page,
 * the user may ask for an authenticator enrolment link. The decision's
 * redirect carries a ticket (an HMAC over the approval link's token hash and
 * an expiry, 10 minutes); the done page offers a button only for a user
 * without a device, which POSTs the ticket (same-origin, CSRF token bound to
 * the ticket). The enrolment link is then EMAILED, like any enrolment link:
 * enrolling still proves control of the mailbox, and the ticket can do no
 * more than send that user an email (at most one a minute).
 */

export const ENROLLMENT_OFFER_TTL_MS = 10 * 60 * 1000;
export const ENROLLMENT_OFFER_CSRF_PURPOSE = 'authenticator-enrollment-offer';

const macOf = (body: string): string =>
  createHmac('sha256', getEnv().authSecret).update(`authenticator-enrollment-offer:${body}`).digest('base64url');

/** The ticket for a decided approval link (by its token hash). */
export const enrollmentOfferTicket = (linkTokenHash: string, now = new Date()): string => {
  const body = `${linkTokenHash}.${(now.getTime() + ENROLLMENT_OFFER_TTL_MS).toString(36)}`;

  return `${body}.${macOf(body)}`;
};

/** The approval link's token hash a ticket names, if it is ours and unexpired. */
export const verifyEnrollmentOfferTicket = (ticket: unknown, now = new Date()): string | null => {
  if (typeof ticket !== 'string' || ticket.length > 200) return null;
  const parts = ticket.split('.');
  if (parts.length !== 3) return null;
  const [tokenHash, expires, mac] = parts as [string, string, string];
  if (!constantEquals(macOf(`${tokenHash}.${expires}`), mac)) return null;

  return Number.parseInt(expires, 36) > now.getTime() ? tokenHash : null;
};

/** Who a valid ticket is for, and whether the offer applies (the link was used to decide; the user has no device yet). */
export const findEnrollmentOffer = async (
  db: Db,
  { tenantSlug, ticket, now }: { tenantSlug: string; ticket: unknown; now: Date },
): Promise<{ userId: string; tenantId: string; email: string } | null> => {
  const tokenHash = verifyEnrollmentOfferTicket(ticket, now);
  if (tokenHash === null) return null;
  const link = await db.approvalLink.findUnique({
    where: { tokenHash },
    select: {
      usedAt: true,
      request: {
        select: {
          user: { select: { id: true, email: true, blocked: true, tenantId: true, tenant: { select: { slug: true } } } },
        },
      },
    },
  });
  const user = link?.request.user;
  if (!link || link.usedAt === null || !user || user.blocked || user.tenant.slug !== tenantSlug) return null;
  if ((await db.authenticatorDevice.count({ where: { userId: user.id } })) > 0) return null;

  return { userId: user.id, tenantId: user.tenantId, email: user.email };
};

/**
 * The offer's POST: same-origin, CSRF bound to the ticket, a valid offer;
 * then the enrolment link is queued for the user's own address (actor
 * `user:<id>`), unless one went out in the last minute.
 */
export const acceptEnrollmentOffer = async (
  db: Db,
  input: { tenantSlug: string; ticket: unknown; csrfToken: unknown; headers: Pick<Headers, 'get'>; now?: Date },
): Promise<{ outcome: 'enrol_sent' | 'invalid'; detail?: string }> => {
  const now = input.now ?? new Date();
  if (!isSameOriginPost(input.headers, getEnv().appUrl)) return { outcome: 'invalid', detail: 'cross-origin POST' };
  if (typeof input.ticket !== 'string' || !verifyCsrfToken(ENROLLMENT_OFFER_CSRF_PURPOSE, input.ticket, input.csrfToken)) {
    return { outcome: 'invalid', detail: 'bad CSRF token' };
  }
  const offer = await findEnrollmentOffer(db, { tenantSlug: input.tenantSlug, ticket: input.ticket, now });
  if (!offer) return { outcome: 'invalid', detail: 'no offer for this ticket' };
  await db.$transaction(async (tx) => {
    if (await enrollmentSentRecently(tx, offer.userId, now)) return;
    await queueEnrollment(tx, { tenantId: offer.tenantId, userId: offer.userId, actor: userActorLabel(offer.userId), now });
  });
  wakeOutbox();

  return { outcome: 'enrol_sent' };
};

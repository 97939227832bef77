import { recordAuthenticatorEvent } from '@/lib/authenticator/authenticator-events';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
import { sealOutboxSecret } from '@/lib/outbox/outbox-secret';

/**
 * Enrolment links for the authenticator app: a single-use link emailed to
 * the user (opening it proves control of the mailbox, as the approval email
 * does). Only the SHA-256 of the token is stored; the token travels sealed
 * in the outbox message that emails it, written in the same transaction as
 * the enrolment (one outbox for anything sent after a commit).
 */

/** How long an enrolment link works: 24 hours. */
export const ENROLLMENT_TTL_MS = 24 * 60 * 60 * 1000;

/** At most one enrolment email per user per minute (no inbox flooding through any door). */
export const ENROLLMENT_COOLDOWN_MS = 60 * 1000;

/** Link tokens: 256 bits, base64url (43 characters). */
const ENROLLMENT_TOKEN_BYTES = 32;
export const ENROLLMENT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** OutboxMessage.type of the enrolment email (lib/authenticator/enrollment-email.ts). */
export const AUTHENTICATOR_ENROLLMENT_EMAIL_TYPE = 'authenticator_enrollment_email';

/** The outbox payload: which enrolment (its token travels sealed). No secret. */
export type EnrollmentEmailPayload = { enrollmentId: string; userId: string };

/** The enrolment page (GET only displays; the registration is a POST from it). */
export const ENROLLMENT_PAGE_PATH = '/authenticator/enrol';

export const enrollmentUrl = (token: string): string =>
  `${getEnv().appUrl}${ENROLLMENT_PAGE_PATH}?token=${encodeURIComponent(token)}`;

type EnrollmentWriter = Pick<Db, 'authenticatorEnrollment' | 'outboxMessage' | 'event'>;

export type QueuedEnrollment = { id: string; expiresAt: Date };

/**
 * Creates an enrolment link for the user and queues its email, in the
 * caller's transaction, with the `authenticator_enrollment_sent` event
 * (`actor`: who asked). The caller wakes the outbox after the commit.
 */
export const queueEnrollment = async (
  tx: EnrollmentWriter,
  options: { tenantId: string; userId: string; actor: string; now: Date },
): Promise<QueuedEnrollment> => {
  const { tenantId, userId, now } = options;
  const token = randomToken(ENROLLMENT_TOKEN_BYTES);
  const id = timeOrderedId(now);
  const messageId = timeOrderedId(now);
  const expiresAt = new Date(now.getTime() + ENROLLMENT_TTL_MS);
  await tx.authenticatorEnrollment.create({
    data: { id, userId, tokenHash: sha256Base64Url(token), createdAt: now, expiresAt },
  });
  const payload: EnrollmentEmailPayload = { enrollmentId: id, userId };
  await tx.outboxMessage.create({
    data: {
      id: messageId,
      tenantId,
      requestId: null,
      type: AUTHENTICATOR_ENROLLMENT_EMAIL_TYPE,
      payload: JSON.stringify(payload),
      encryptedSecret: sealOutboxSecret(token, messageId),
      availableAt: now,
      createdAt: now,
    },
  });
  await recordAuthenticatorEvent(tx, {
    type: 'authenticator_enrollment_sent',
    tenantId,
    userId,
    actor: options.actor,
    change: { target: id, before: null, after: { expires_at: expiresAt.toISOString() } },
    at: now,
  });

  return { id, expiresAt };
};

/** Whether the user got an enrolment email within the cooldown (read inside the writing transaction). */
export const enrollmentSentRecently = async (
  tx: Pick<Db, 'authenticatorEnrollment'>,
  userId: string,
  now: Date,
): Promise<boolean> =>
  (await tx.authenticatorEnrollment.count({
    where: { userId, createdAt: { gt: new Date(now.getTime() - ENROLLMENT_COOLDOWN_MS) } },
  })) > 0;

export type EnrollmentLookup =
  | { state: 'unknown' | 'used' | 'expired' }
  | {
      state: 'valid';
      enrollment: { id: string; expiresAt: Date };
      user: { id: string; email: string; name: string | null; blocked: boolean };
      tenant: { id: string; slug: string; name: string };
    };

/** The enrolment a token names, and whether it still works. Reads only (the page's GET). */
export const findEnrollment = async (db: Db, token: unknown, now: Date): Promise<EnrollmentLookup> => {
  if (typeof token !== 'string' || !ENROLLMENT_TOKEN_PATTERN.test(token)) return { state: 'unknown' };
  const row = await db.authenticatorEnrollment.findUnique({
    where: { tokenHash: sha256Base64Url(token) },
    select: {
      id: true,
      expiresAt: true,
      usedAt: true,
      user: {
        select: {
          id: true,
          email: true,
          name: true,
          blocked: true,
          tenant: { select: { id: true, slug: true, name: true } },
        },
      },
    },
  });
  if (!row || row.user.blocked) return { state: 'unknown' };
  if (row.usedAt !== null) return { state: 'used' };
  if (row.expiresAt <= now) return { state: 'expired' };
  const { tenant, ...user } = row.user;

  return { state: 'valid', enrollment: { id: row.id, expiresAt: row.expiresAt }, user, tenant };
};

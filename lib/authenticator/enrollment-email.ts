import { AUTHENTICATOR_ENROLLMENT_EMAIL_TYPE, enrollmentUrl, type EnrollmentEmailPayload } from '@/lib/authenticator/enrollment';
import { escapeHtml, formatUtc } from '@/lib/ciba/approval-email';
import type { Db } from '@/lib/db/client';
import { deliverEmail } from '@/lib/email/deliver-email';
import type { OutboxHandler } from '@/lib/outbox/outbox-handler';

export type EnrollmentEmail = { subject: string; text: string; html: string };

/** The enrolment email: text and HTML with the same content; tenant and user names HTML-escaped. */
export const buildEnrollmentEmail = (input: {
  tenantName: string;
  userName: string | null;
  url: string;
  expiresAt: Date;
}): EnrollmentEmail => {
  const { tenantName, userName, url, expiresAt } = input;
  const greeting = userName ? `Hello ${userName},` : 'Hello,';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go (header injection)
  const subject = `Set up the ${tenantName} authenticator app`.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 150);
  const expires = formatUtc(expiresAt);
  const text = [
    greeting,
    '',
    `Set up the ${tenantName} authenticator on this phone or computer: sign-in requests then reach you as a notification, and you approve them with your device's screen lock (a passkey).`,
    '',
    `Set it up (this link works once and expires at ${expires}):`,
    url,
    '',
    'If you did not ask for this, ignore this email: nothing changes.',
    '',
    `— ${tenantName}`,
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="referrer" content="no-referrer"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f8fafc;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#0f172a;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;border-radius:12px;padding:32px">
<p style="margin:0 0 16px">${e(greeting)}</p>
<p style="margin:0 0 16px">Set up the ${e(tenantName)} authenticator on this phone or computer: sign-in requests then reach you as a notification, and you approve them with your device's screen lock (a passkey).</p>
<p style="margin:0 0 24px"><a href="${e(url)}" style="display:inline-block;background:#0f172a;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px">Set up the authenticator</a></p>
<p style="margin:0 0 24px;color:#475569;font-size:14px">The link works once and expires at ${e(expires)}. If the button does not work, copy this address into your browser:<br><span style="word-break:break-all">${e(url)}</span></p>
<p style="margin:0;color:#475569;font-size:14px">If you did not ask for this, ignore this email: nothing changes.</p>
</div>
</body>
</html>`;

  return { subject, text, html };
};

/**
 * Delivers enrolment emails (lib/authenticator/enrollment.ts) through the
 * approval email's path: rendered when sent, the outbox message id as
 * idempotency key. An enrolment used or expired before its email went out is
 * not emailed (a final failure).
 */
export const createEnrollmentEmailHandler = (db: Db, clock: () => Date = () => new Date()): OutboxHandler => ({
  type: AUTHENTICATOR_ENROLLMENT_EMAIL_TYPE,
  channel: 'email',
  deliver: async (message, token) => {
    const { enrollmentId } = JSON.parse(message.payload) as EnrollmentEmailPayload;
    const enrollment = await db.authenticatorEnrollment.findUnique({
      where: { id: enrollmentId },
      select: {
        usedAt: true,
        expiresAt: true,
        user: { select: { email: true, name: true, tenant: { select: { name: true } } } },
      },
    });
    if (!enrollment) return { ok: false, error: 'The enrolment no longer exists.', retryable: false };
    if (enrollment.usedAt !== null || enrollment.expiresAt <= clock()) {
      return { ok: false, error: 'The enrolment was used or expired before its email was sent.', retryable: false };
    }
    if (token === null) return { ok: false, error: 'The enrolment token is missing.', retryable: false };
    const url = enrollmentUrl(token);
    const email = buildEnrollmentEmail({
      tenantName: enrollment.user.tenant.name,
      userName: enrollment.user.name,
      url,
      expiresAt: enrollment.expiresAt,
    });

    return deliverEmail({ idempotencyKey: message.id, to: enrollment.user.email, link: url, ...email });
  },
});

import { escapeHtml, formatUtc } from '@/lib/ciba/approval-email';
import { USER_CODE_EMAIL_TYPE, userCodeLinkUrl, type UserCodeEmailPayload } from '@/lib/ciba/user-code-link';
import { deliverEmail } from '@/lib/email/deliver-email';
import type { OutboxHandler } from '@/lib/outbox/outbox-handler';
import type { ProtocolStore } from '@/lib/store/protocol-store';

export type UserCodeEmail = { subject: string; text: string; html: string };

/** The link email: text and HTML with the same content; tenant and user names HTML-escaped. */
export const buildUserCodeEmail = (input: {
  tenantName: string;
  userName: string | null;
  url: string;
  expiresAt: Date;
}): UserCodeEmail => {
  const { tenantName, userName, url, expiresAt } = input;
  const greeting = userName ? `Hello ${userName},` : 'Hello,';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go (header injection)
  const subject = `Set your user code for ${tenantName}`.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 150);
  const expires = formatUtc(expiresAt);
  const text = [
    greeting,
    '',
    `Someone (hopefully you) asked to set the user code of your ${tenantName} account.`,
    'Applications ask for this code before they may send you a sign-in request.',
    '',
    `Set your code (this link works once and expires at ${expires}):`,
    url,
    '',
    'If you did not ask for this, ignore this email: your code stays as it is.',
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
<p style="margin:0 0 16px">Someone (hopefully you) asked to set the user code of your ${e(tenantName)} account. Applications ask for this code before they may send you a sign-in request.</p>
<p style="margin:0 0 24px"><a href="${e(url)}" style="display:inline-block;background:#0f172a;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px">Set your user code</a></p>
<p style="margin:0 0 24px;color:#475569;font-size:14px">The link works once and expires at ${e(expires)}. If the button does not work, copy this address into your browser:<br><span style="word-break:break-all">${e(url)}</span></p>
<p style="margin:0;color:#475569;font-size:14px">If you did not ask for this, ignore this email: your code stays as it is.</p>
</div>
</body>
</html>`;

  return { subject, text, html };
};

/**
 * Delivers the self-service link emails (lib/ciba/user-code-link.ts) through
 * the same email path as the approval email: rendered when sent, the outbox
 * message id as idempotency key. A link used or expired before its email went
 * out is not emailed (a final failure).
 */
export const createUserCodeEmailHandler = (
  store: Pick<ProtocolStore, 'findUserCodeLinkById'>,
  clock: () => Date = () => new Date(),
): OutboxHandler => ({
  type: USER_CODE_EMAIL_TYPE,
  channel: 'email',
  deliver: async (message, token) => {
    const { linkId } = JSON.parse(message.payload) as UserCodeEmailPayload;
    const link = await store.findUserCodeLinkById(linkId);
    if (!link) return { ok: false, error: 'The link no longer exists.', retryable: false };
    if (link.usedAt !== null || link.expiresAt <= clock()) {
      return { ok: false, error: 'The link was used or expired before its email was sent.', retryable: false };
    }
    if (token === null) return { ok: false, error: 'The link token is missing.', retryable: false };
    const url = userCodeLinkUrl(link.tenantSlug, token);
    const email = buildUserCodeEmail({ tenantName: link.tenantName, userName: link.name, url, expiresAt: link.expiresAt });

    return deliverEmail({ idempotencyKey: message.id, to: link.email, link: url, ...email });
  },
});

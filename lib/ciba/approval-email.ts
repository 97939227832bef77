import { loadApprovalItems, summarizeApprovalItems } from '@/lib/ciba/approval-items';
import { approvalUrlFor } from '@/lib/ciba/approval-link';
import { agentOf, describeAgent, describeScopes, type ApprovalAgent } from '@/lib/ciba/approval-page-data';
import { deliverEmail } from '@/lib/email/deliver-email';
import type { OutboxHandler } from '@/lib/outbox/outbox-handler';
import { sealOutboxSecret } from '@/lib/outbox/outbox-secret';
import { createBatchLoader } from '@/lib/store/batch-loader';
import type { NewOutboxMessage, ProtocolStore } from '@/lib/store/protocol-store';
import { isRequestExpired } from '@/lib/store/request-lifecycle';

export type ApprovalEmailInput = {
  tenant: { name: string };
  client: { name: string };
  user: { email: string; name: string | null };
  request: { bindingMessage: string | null; scope: string; expiresAt: Date };
  /** The agent acting for the user (actor_token); absent or null: none, and the email is as before. */
  agent?: ApprovalAgent | null;
  url: string;
  /** RFC 9396: one line about the authorization_details requested (summarizeApprovalItems); the page shows them in full. */
  authorizationSummary?: string | null;
};

export type ApprovalEmail = { subject: string; text: string; html: string };

/** Escapes text for HTML element content and double-quoted attribute values. */
export const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** `2026-11-25 14:03 UTC`: we do not know the reader's time zone, so say which one it is. */
export const formatUtc = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Subject lines are one line: strip control characters (header injection) and cap the length. */
const singleLine = (value: string, max: number): string => {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * The approval email: text and HTML with the same content. Everything the
 * client or user controls (client name, binding message, user name, tenant
 * name) is HTML-escaped in the HTML part. The wording follows CIBA §14's
 * phishing concern: approve only if you started this yourself and the code
 * matches the one on the other device.
 */
export const buildApprovalEmail = (input: ApprovalEmailInput): ApprovalEmail => {
  const { tenant, client, user, request, url } = input;
  const details = input.authorizationSummary ?? null;
  const agent = input.agent ? describeAgent(input.agent) : null;
  const scopes = describeScopes(request.scope);
  const expires = formatUtc(request.expiresAt);
  const greeting = user.name ? `Hello ${user.name},` : 'Hello,';
  const subject = singleLine(`${client.name} is asking you to approve a sign-in`, 150);

  const text = [
    greeting,
    '',
    `"${client.name}" is asking to sign you in through ${tenant.name}.`,
    '',
    ...(agent === null ? [] : [`The request comes from an agent: ${agent}.`, '']),
    request.bindingMessage ? `Code shown on the other device: ${request.bindingMessage}` : 'No code was shown for this request.',
    '',
    'It will be able to:',
    ...scopes.map(({ description }) => `  - ${description}`),
    ...(details === null ? [] : ['', `It asks you to authorize: ${details}`]),
    '',
    `Review and approve or deny (this link expires at ${expires}):`,
    url,
    '',
    'Only approve if YOU started this on the other device just now and the code matches exactly.',
    'If you did not start it, or the code is different, choose Deny: someone may be trying to get access to your account.',
    'Never forward this email; anyone with the link can answer for you.',
    '',
    `— ${tenant.name}`,
  ].join('\n');

  const e = escapeHtml;
  const bindingBlock = request.bindingMessage
    ? `<p style="margin:0 0 8px;color:#475569;font-size:14px">Code shown on the other device</p>
<p style="margin:0 0 24px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:26px;font-weight:700;letter-spacing:0.04em;background:#f1f5f9;border:1px solid #cbd5e1;border-radius:8px;padding:12px 16px;color:#0f172a">${e(request.bindingMessage)}</p>`
    : '<p style="margin:0 0 24px;color:#475569">No code was shown for this request.</p>';
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="referrer" content="no-referrer"><title>${e(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f8fafc;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#0f172a;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;border-radius:12px;padding:32px">
<p style="margin:0 0 16px">${e(greeting)}</p>
<p style="margin:0 0 24px"><strong>${e(client.name)}</strong> is asking to sign you in through ${e(tenant.name)}.</p>
${agent === null ? '' : `<p style="margin:0 0 24px;background:#eef2ff;border:1px solid #c7d2fe;border-radius:8px;padding:12px 16px">The request comes from an agent: <strong>${e(agent)}</strong>.</p>\n`}${bindingBlock}
<p style="margin:0 0 8px">It will be able to:</p>
<ul style="margin:0 0 24px;padding-left:20px">${scopes.map(({ description }) => `<li>${e(description)}</li>`).join('')}</ul>
${details === null ? '' : `<p style="margin:0 0 8px">It asks you to authorize:</p>\n<p style="margin:0 0 24px;background:#f8fafc;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px">${e(details)}</p>\n`}<p style="margin:0 0 24px"><a href="${e(url)}" style="display:inline-block;background:#0f172a;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px">Review the request</a></p>
<p style="margin:0 0 24px;color:#475569;font-size:14px">The link expires at ${e(expires)}. If the button does not work, copy this address into your browser:<br><span style="word-break:break-all">${e(url)}</span></p>
<div style="border-left:4px solid #d97706;background:#fffbeb;padding:12px 16px;border-radius:4px;font-size:14px">
<p style="margin:0 0 8px"><strong>Only approve if you started this on the other device just now and the code matches exactly.</strong></p>
<p style="margin:0">If you did not start it, or the code is different, choose <strong>Deny</strong>: someone may be trying to get access to your account. Never forward this email; anyone with the link can answer for you.</p>
</div>
</div>
<p style="max-width:560px;margin:16px auto 0;color:#64748b;font-size:12px;text-align:center">${e(tenant.name)}</p>
</body>
</html>`;

  return { subject, text, html };
};

export const APPROVAL_EMAIL_TYPE = 'approval_email';

/** The approval email's outbox payload: which link to send, and who it concerns (for events). No secret. */
type ApprovalEmailPayload = { linkId: string; clientId: string; userId: string };

/**
 * The outbox message that emails the user their approval link — the email
 * channel of our authentication device (CIBA §5, §8) — to be written in the
 * same unit as the request. The link token travels sealed (outbox-secret)
 * and is erased once the message is final; the email itself is rendered
 * when sent, from the request as stored.
 */
export const queueApprovalEmail = (input: {
  id: string;
  tenantId: string;
  requestId: string;
  clientId: string;
  userId: string;
  linkId: string;
  approvalToken: string;
  now: Date;
}): NewOutboxMessage => {
  const payload: ApprovalEmailPayload = { linkId: input.linkId, clientId: input.clientId, userId: input.userId };

  return {
    id: input.id,
    tenantId: input.tenantId,
    requestId: input.requestId,
    type: APPROVAL_EMAIL_TYPE,
    payload: JSON.stringify(payload),
    encryptedSecret: sealOutboxSecret(input.approvalToken, input.id),
    availableAt: input.now,
    createdAt: input.now,
  };
};

/**
 * Delivers approval emails: renders the email from the request as stored
 * and sends it (Resend, or the development outbox) with the outbox message
 * id as idempotency key. A request that was decided, cancelled or expired
 * before its email went out is not emailed (a final failure).
 */
export const createApprovalEmailHandler = (
  store: Pick<ProtocolStore, 'findApprovalsByLinkIds' | 'listAuthorizationTypes'>,
  clock: () => Date = () => new Date(),
): OutboxHandler => {
  // The deliveries of one claim start together: their approvals are read in one statement.
  const loadApproval = createBatchLoader(
    async (linkIds: string[]) => new Map((await store.findApprovalsByLinkIds(linkIds)).map((row) => [row.linkId, row])),
  );

  return {
    type: APPROVAL_EMAIL_TYPE,
    channel: 'email',
    deliver: async (message, approvalToken) => {
      const { linkId } = JSON.parse(message.payload) as ApprovalEmailPayload;
      const approval = await loadApproval(linkId);
      if (!approval) return { ok: false, error: 'The request no longer exists.', retryable: false };
      if (approval.status !== 'pending' || isRequestExpired(approval, clock())) {
        return {
          ok: false,
          error: `The request was ${approval.status === 'pending' ? 'expired' : approval.status} before its email was sent.`,
          retryable: false,
        };
      }
      if (approvalToken === null) return { ok: false, error: 'The approval link token is missing.', retryable: false };
      const url = approvalUrlFor(approval.tenantSlug, approvalToken);
      const email = buildApprovalEmail({
        tenant: { name: approval.tenantName },
        client: { name: approval.clientName },
        user: { email: approval.userEmail, name: approval.userName },
        request: { bindingMessage: approval.bindingMessage, scope: approval.scope, expiresAt: approval.expiresAt },
        agent: agentOf(approval),
        url,
        authorizationSummary: summarizeApprovalItems(
          await loadApprovalItems(store, approval.tenantId, approval.authorizationDetails),
        ),
      });

      return deliverEmail({ idempotencyKey: message.id, to: approval.userEmail, link: url, ...email });
    },
  };
};

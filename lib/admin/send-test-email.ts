import { randomUUID } from 'node:crypto';
import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError } from '@/lib/admin/errors';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import { escapeHtml } from '@/lib/ciba/approval-email';
import type { Db } from '@/lib/db/client';
import { deliverEmail } from '@/lib/email/deliver-email';
import { getEnv } from '@/lib/env';

export type SendTestEmailOptions = { tenantSlug: string };

/** Where emails go: Resend (RESEND_API_KEY) or the development outbox (the server log). */
export type EmailProvider = 'resend' | 'development_outbox';

export type TestEmailResult = {
  /** The admin's own address. */
  to: string;
  provider: EmailProvider;
  from: string;
  delivered: boolean;
  /** Why the provider refused or could not be reached; null when delivered. */
  error: string | null;
};

/** The provider emails go through now. */
const currentEmailProvider = (): EmailProvider => (getEnv().resendApiKey ? 'resend' : 'development_outbox');

const renderTestEmail = (tenantName: string, provider: EmailProvider) => {
  const subject = `Backchannel test email for ${tenantName}`;
  const through = provider === 'resend' ? 'Resend' : 'the development outbox';
  const text = [
    'Hello,',
    '',
    `This is a test email from the Backchannel console, for tenant ${tenantName}.`,
    `It was sent through ${through}, the same way as approval emails.`,
    '',
    'Nothing needs to be done.',
  ].join('\n');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#0f172a;line-height:1.5"><p>Hello,</p><p>This is a test email from the Backchannel console, for tenant <strong>${escapeHtml(tenantName)}</strong>.</p><p>It was sent through ${through}, the same way as approval emails.</p><p style="color:#475569">Nothing needs to be done.</p></body></html>`;

  return { subject, text, html };
};

/**
 * Sends a test email to the signed-in console admin, through the email path
 * every approval email takes (Resend, or the development outbox without
 * RESEND_API_KEY), and records `email_test_sent` in the tenant's audit log
 * with the provider, sender and outcome. A refusal by the provider is a
 * result (`delivered: false` with the reason), not an error.
 *
 * @throws AdminError `forbidden` for a principal other than a console admin (an API key or the CLI has no address to send to) or a tenant out of reach; `not_found` for an unknown tenant.
 */
export const sendTestEmail = async (db: Db, principal: Principal, options: SendTestEmailOptions): Promise<TestEmailResult> => {
  if (principal.kind !== 'admin') {
    throw new AdminError('forbidden', 'Only a console admin can send a test email (to their own address).');
  }
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const provider = currentEmailProvider();
  const { emailFrom } = getEnv();
  const delivery = await deliverEmail({
    idempotencyKey: `test-email-${randomUUID()}`,
    to: principal.email,
    ...renderTestEmail(tenant.name, provider),
  });
  const result: TestEmailResult = {
    to: principal.email,
    provider,
    from: emailFrom,
    delivered: delivery.ok,
    error: delivery.ok ? null : delivery.error,
  };
  await db.$transaction(async (tx) => {
    await recordAdminEvent(tx, {
      principal,
      type: 'email_test_sent',
      tenantId: tenant.id,
      change: {
        target: principal.email,
        before: null,
        after: { provider, from: emailFrom, delivered: result.delivered, error: result.error },
      },
    });
  });

  return result;
};

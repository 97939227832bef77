'use server';

import { revalidatePath } from 'next/cache';
import { switchOf, textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { sendTestEmail } from '@/lib/admin/send-test-email';
import { updateTenant } from '@/lib/admin/update-tenant';
import { getDb } from '@/lib/db/client';

export async function updateEmailChannelAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const tenant = await updateTenant(getDb(), principal, {
      slug: tenantSlug,
      settings: { email_channel_enabled: switchOf(form, 'email_channel_enabled') },
    });
    revalidatePath(`/admin/t/${encodeURIComponent(tenantSlug)}`, 'layout');

    return actionSuccess(tenant.email_channel_enabled ? 'Email channel turned on.' : 'Email channel turned off.');
  });
}

export async function sendTestEmailAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const result = await sendTestEmail(getDb(), principal, { tenantSlug: textOf(form, 'tenantSlug') ?? '' });
    if (!result.delivered)
      return actionFailure(`The test email to ${result.to} was not sent: ${result.error ?? 'unknown error'}.`);

    return actionSuccess(
      result.provider === 'resend'
        ? `Test email sent to ${result.to} through Resend.`
        : `Test email to ${result.to} printed in the server log (development outbox).`,
    );
  });
}

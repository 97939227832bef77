'use server';

import { revalidatePath } from 'next/cache';
import { numberOf, switchOf, textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { sendTestEmail } from '@/lib/admin/send-test-email';
import { updateTenant } from '@/lib/admin/update-tenant';
import { getDb } from '@/lib/db/client';

/** The Notification channels card: both switches and the fallback delay, through the one tenant update. */
export async function updateNotificationChannelsAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const tenant = await updateTenant(getDb(), principal, {
      slug: tenantSlug,
      settings: {
        email_channel_enabled: switchOf(form, 'email_channel_enabled'),
        push_channel_enabled: switchOf(form, 'push_channel_enabled'),
        email_fallback_seconds: numberOf(form, 'email_fallback_seconds'),
      },
    });
    revalidatePath(`/admin/t/${encodeURIComponent(tenantSlug)}`, 'layout');
    const on = [tenant.push_channel_enabled ? 'push' : null, tenant.email_channel_enabled ? 'email' : null].filter(Boolean);

    return actionSuccess(`Notification channels saved: ${on.join(' then ')}.`);
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

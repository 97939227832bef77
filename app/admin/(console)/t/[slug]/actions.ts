'use server';

import { revalidatePath } from 'next/cache';
import { numberOf, switchOf, textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { deleteTenant } from '@/lib/admin/delete-tenant';
import { updateTenant } from '@/lib/admin/update-tenant';
import { getDb } from '@/lib/db/client';

export async function updateTenantAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenant = await updateTenant(getDb(), principal, {
      slug: textOf(form, 'tenantSlug') ?? '',
      settings: {
        name: textOf(form, 'name'),
        rate_limit_per_user: numberOf(form, 'rate_limit_per_user'),
        rate_limit_per_tenant: numberOf(form, 'rate_limit_per_tenant'),
        max_pending_requests: numberOf(form, 'max_pending_requests'),
        rate_limit_per_agent: numberOf(form, 'rate_limit_per_agent'),
        dynamic_registration: switchOf(form, 'dynamic_registration'),
        require_passkey_approval: switchOf(form, 'require_passkey_approval'),
        default_requested_expiry: numberOf(form, 'default_requested_expiry'),
        max_requested_expiry: numberOf(form, 'max_requested_expiry'),
        backchannel_poll_interval: numberOf(form, 'backchannel_poll_interval'),
        binding_message_policy: textOf(form, 'binding_message_policy'),
      },
    });
    revalidatePath('/admin', 'layout');

    return actionSuccess(`Settings of ${tenant.name} saved.`);
  });
}

export async function deleteTenantAction(slug: string, force: boolean): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const { deleted } = await deleteTenant(getDb(), principal, { slug, force });
    if (!deleted) return actionFailure(`There is no tenant "${slug}" (it may have been deleted already).`);
    revalidatePath('/admin', 'layout');

    return actionSuccess(`Tenant ${slug} deleted.`);
  });
}

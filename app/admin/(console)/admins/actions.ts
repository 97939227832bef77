'use server';

import { revalidatePath } from 'next/cache';
import { checkedValuesOf, textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { createAdmin, type TCreateAdmin } from '@/lib/admin/create-admin';
import { createApiKey } from '@/lib/admin/create-api-key';
import { removeAdmin } from '@/lib/admin/remove-admin';
import { revokeApiKey } from '@/lib/admin/revoke-api-key';
import { updateAdminMemberships, type TUpdateAdminMemberships } from '@/lib/admin/update-admin-memberships';
import { getDb } from '@/lib/db/client';

const ADMINS_PATH = '/admin/admins';

export async function inviteAdminAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const admin = await createAdmin(getDb(), principal, {
      email: textOf(form, 'email') ?? '',
      // Unvalidated, as every input: createAdmin refuses a role it does not know.
      role: textOf(form, 'role') as TCreateAdmin['role'],
      tenantSlugs: checkedValuesOf(form, 'tenantSlugs'),
    });
    revalidatePath(ADMINS_PATH);

    return actionSuccess(`${admin.email} invited: they can sign in at /admin.`);
  });
}

export async function updateAdminAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const admin = await updateAdminMemberships(getDb(), principal, {
      adminId: textOf(form, 'adminId') ?? '',
      role: textOf(form, 'role') as TUpdateAdminMemberships['role'],
      tenantSlugs: checkedValuesOf(form, 'tenantSlugs'),
    });
    revalidatePath(ADMINS_PATH);

    return actionSuccess(`${admin.email} saved.`);
  });
}

export async function removeAdminAction(adminId: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const { removed } = await removeAdmin(getDb(), principal, { adminId });
    if (!removed) return actionFailure('That administrator does not exist (they may have been removed already).');
    revalidatePath(ADMINS_PATH);

    return actionSuccess('Administrator removed; their sessions ended.');
  });
}

export async function createApiKeyAction(
  _previous: ActionResult<{ key: string; name: string }> | null,
  form: FormData,
): Promise<ActionResult<{ key: string; name: string }>> {
  return runAdminAction(async (principal) => {
    const tenant = textOf(form, 'tenant');
    const created = await createApiKey(getDb(), principal, {
      name: textOf(form, 'name') ?? '',
      tenantSlug: tenant ? tenant : null,
    });
    revalidatePath(ADMINS_PATH);

    return actionSuccess(`API key ${created.name} created.`, { key: created.key, name: created.name });
  });
}

export async function revokeApiKeyAction(id: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const { revoked } = await revokeApiKey(getDb(), principal, { id });
    if (!revoked) return actionFailure('That key was already revoked.');
    revalidatePath(ADMINS_PATH);

    return actionSuccess('API key revoked: it authenticates nothing from now on.');
  });
}

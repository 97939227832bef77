'use server';

import { revalidatePath } from 'next/cache';
import { numberOf, textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { createInitialAccessToken } from '@/lib/admin/create-initial-access-token';
import { revokeInitialAccessToken } from '@/lib/admin/revoke-initial-access-token';
import { getDb } from '@/lib/db/client';

const registrationPath = (tenantSlug: string) => `/admin/t/${encodeURIComponent(tenantSlug)}/registration`;

/** A blank optional number is left out (no limit). */
const optionalNumberOf = (form: FormData, name: string) => {
  const value = numberOf(form, name);

  return typeof value === 'string' && value.trim() === '' ? undefined : value;
};

export async function createInitialAccessTokenAction(
  _previous: ActionResult<{ token: string; name: string }> | null,
  form: FormData,
): Promise<ActionResult<{ token: string; name: string }>> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const expiresIn = optionalNumberOf(form, 'expires_in');
    const uses = optionalNumberOf(form, 'uses');
    const created = await createInitialAccessToken(getDb(), principal, {
      tenantSlug,
      input: {
        name: textOf(form, 'name'),
        ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
        ...(uses === undefined ? {} : { uses }),
      },
    });
    revalidatePath(registrationPath(tenantSlug));

    return actionSuccess(`Initial access token ${created.name} created.`, { token: created.token, name: created.name });
  });
}

export async function revokeInitialAccessTokenAction(tenantSlug: string, id: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const { revoked } = await revokeInitialAccessToken(getDb(), principal, { tenantSlug, id });
    revalidatePath(registrationPath(tenantSlug));
    if (!revoked) return actionFailure('This token was revoked already.');

    return actionSuccess('Token revoked: it registers nothing from now on.');
  });
}

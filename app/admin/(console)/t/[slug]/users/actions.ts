'use server';

import { revalidatePath } from 'next/cache';
import { optionalTextOf, switchOf, textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { revokeAuthenticatorDevice, sendAuthenticatorEnrollment } from '@/lib/admin/authenticator-devices';
import { createUser } from '@/lib/admin/create-user';
import { deleteUser } from '@/lib/admin/delete-user';
import { importUsers, type ImportUsersReport } from '@/lib/admin/import-users';
import { setUserBlocked } from '@/lib/admin/set-user-blocked';
import { setUserCode } from '@/lib/admin/set-user-code';
import { updateUser } from '@/lib/admin/update-user';
import { getDb } from '@/lib/db/client';

const usersPath = (tenantSlug: string) => `/admin/t/${encodeURIComponent(tenantSlug)}/users`;

export async function createUserAction(_previous: ActionResult<{ id: string }> | null, form: FormData) {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const user = await createUser(getDb(), principal, {
      tenantSlug,
      email: textOf(form, 'email') ?? '',
      name: optionalTextOf(form, 'name'),
    });
    revalidatePath(usersPath(tenantSlug));

    return actionSuccess(`User ${user.email} created.`, { id: user.id });
  });
}

/** The file's format: as chosen, or from its name (.json, else CSV). */
const formatOf = (chosen: string | undefined, file: File): string =>
  chosen && chosen !== 'auto' ? chosen : file.name.toLowerCase().endsWith('.json') ? 'json' : 'csv';

export async function importUsersAction(
  _previous: ActionResult<ImportUsersReport> | null,
  form: FormData,
): Promise<ActionResult<ImportUsersReport>> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0)
      return actionFailure('Choose a file to import.', { file: ['Choose a file.'] });
    const report = await importUsers(getDb(), principal, {
      tenantSlug,
      format: formatOf(textOf(form, 'format'), file) as 'csv' | 'json',
      content: await file.text(),
    });
    revalidatePath(usersPath(tenantSlug));

    return actionSuccess(
      `${report.created} ${report.created === 1 ? 'user' : 'users'} imported, ${report.failed.length} ${report.failed.length === 1 ? 'row' : 'rows'} not.`,
      report,
    );
  });
}

export async function updateUserAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const user = await updateUser(getDb(), principal, {
      tenantSlug,
      id: textOf(form, 'userId') ?? '',
      changes: {
        email: textOf(form, 'email'),
        name: optionalTextOf(form, 'name'),
        email_verified: switchOf(form, 'email_verified'),
      },
    });
    revalidatePath(usersPath(tenantSlug), 'layout');

    return actionSuccess(`User ${user.email} saved.`);
  });
}

export async function setUserCodeAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const result = await setUserCode(getDb(), principal, {
      tenantSlug,
      id: textOf(form, 'userId') ?? '',
      code: textOf(form, 'code') ?? '',
    });
    revalidatePath(usersPath(tenantSlug), 'layout');

    return actionSuccess(result.has_user_code ? 'User code set.' : 'User code cleared.');
  });
}

export async function clearUserCodeAction(tenantSlug: string, id: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    await setUserCode(getDb(), principal, { tenantSlug, id, code: null });
    revalidatePath(usersPath(tenantSlug), 'layout');

    return actionSuccess('User code cleared.');
  });
}

export async function setUserBlockedAction(tenantSlug: string, id: string, blocked: boolean): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const result = await setUserBlocked(getDb(), principal, { tenantSlug, id, blocked });
    revalidatePath(usersPath(tenantSlug), 'layout');
    if (!blocked) return actionSuccess('User unblocked.');

    return actionSuccess(
      `User blocked; ${result.cancelled_requests} unfinished ${result.cancelled_requests === 1 ? 'request' : 'requests'} cancelled.`,
    );
  });
}

export async function deleteUserAction(tenantSlug: string, id: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const { deleted } = await deleteUser(getDb(), principal, { tenantSlug, id });
    if (!deleted) return actionFailure('That user does not exist (it may have been deleted already).');
    revalidatePath(usersPath(tenantSlug));

    return actionSuccess('User deleted.');
  });
}

export async function sendAuthenticatorLinkAction(tenantSlug: string, id: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const sent = await sendAuthenticatorEnrollment(getDb(), principal, { tenantSlug, id });
    revalidatePath(usersPath(tenantSlug), 'layout');

    return actionSuccess(`Authenticator link emailed to ${sent.email}; it works once, for 24 hours.`);
  });
}

export async function revokeAuthenticatorAction(tenantSlug: string, id: string, deviceId: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    await revokeAuthenticatorDevice(getDb(), principal, { tenantSlug, id, deviceId });
    revalidatePath(usersPath(tenantSlug), 'layout');

    return actionSuccess('Authenticator revoked.');
  });
}

'use server';

// Try it: the application page's built-in test relying party. Thin: each action is the signed-in
// admin (runAdminAction) and one domain function, which checks the tenant next to the data.
import { runAdminAction } from '@/components/console/run-admin-action';
import type { TryItUser } from '@/components/console/try-it-card';
import { actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { listUsers } from '@/lib/admin/list-users';
import { pollTryIt, type TryItTokens } from '@/lib/admin/poll-try-it';
import { startTryIt, type TStartTryIt, type TryItStarted } from '@/lib/admin/start-try-it';
import type { TryItOAuthError } from '@/lib/admin/try-it-oauth-error';
import { getDb } from '@/lib/db/client';

/** How many users the search suggests. */
const SUGGESTIONS = 6;

/** Users of the tenant whose email starts with `search` (or whose sub is it): one indexed range read. */
export async function searchTryItUsersAction(tenantSlug: string, search: string): Promise<ActionResult<TryItUser[]>> {
  return runAdminAction(async (principal) => {
    const page = await listUsers(getDb(), principal, { tenantSlug, search, limit: SUGGESTIONS });

    return actionSuccess(
      undefined,
      page.data.map(({ id, sub, email, name }) => ({ id, sub, email, name })),
    );
  });
}

/** bc-authorize, in-process, for the application (the OAuth error, if any, is data to show). */
export async function startTryItAction(
  tenantSlug: string,
  input: TStartTryIt,
): Promise<ActionResult<TryItStarted | TryItOAuthError>> {
  return runAdminAction(async (principal) =>
    actionSuccess(undefined, await startTryIt(getDb(), principal, { tenantSlug, ...input })),
  );
}

/** One token-endpoint poll, in-process (the OAuth error, if any, is data to show). */
export async function pollTryItAction(
  tenantSlug: string,
  clientId: string,
  authReqId: string,
): Promise<ActionResult<TryItTokens | TryItOAuthError>> {
  return runAdminAction(async (principal) =>
    actionSuccess(undefined, await pollTryIt(getDb(), principal, { tenantSlug, client_id: clientId, auth_req_id: authReqId })),
  );
}

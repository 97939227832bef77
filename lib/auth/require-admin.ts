import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { SIGN_IN_PATH } from '@/lib/auth/auth-paths';
import type { AdminPrincipal } from '@/lib/auth/load-admin-principal';
import { findSessionPrincipal } from '@/lib/auth/session-principal';

/**
 * The signed-in console admin as a Principal, for server components and
 * server actions; redirects to the sign-in page when there is no valid
 * session (or its admin was removed). Every console page and action calls it
 * and passes the Principal to the domain function, which checks the tenant:
 * authorisation never rests on middleware. Cached per request.
 */
export const requireAdminPrincipal = cache(async (): Promise<AdminPrincipal> => {
  const principal = await findSessionPrincipal();
  if (!principal) redirect(SIGN_IN_PATH);

  return principal;
});

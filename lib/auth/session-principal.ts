import 'server-only';
import { cache } from 'react';
import { auth } from '@/lib/auth/auth';
import { loadAdminPrincipal, type AdminPrincipal } from '@/lib/auth/load-admin-principal';
import { getDb } from '@/lib/db/client';

/**
 * The console admin of this request's session, as stored now; null without a
 * valid session or once the admin is removed. Cached per request.
 */
export const findSessionPrincipal = cache(async (): Promise<AdminPrincipal | null> => {
  const adminId = (await auth())?.user?.id;

  return adminId ? loadAdminPrincipal(getDb(), adminId) : null;
});

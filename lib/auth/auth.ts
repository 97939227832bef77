import NextAuth from 'next-auth';
import { buildAuthConfig } from '@/lib/auth/auth-config';
import { getDb } from '@/lib/db/client';

/**
 * The console's Auth.js instance (lib/auth/auth-config.ts). The configuration
 * is built per request, so nothing reads the environment or the database at
 * build time. `auth()` reads the session in server components and actions;
 * pages and actions call requireAdminPrincipal() rather than this directly.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => buildAuthConfig(getDb()));

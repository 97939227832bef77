import { cookies } from 'next/headers';
import { AUTHENTICATOR_SESSION_COOKIE, findAuthenticatorSession, type AuthenticatorSession } from '@/lib/authenticator/session';
import { getDb } from '@/lib/db/client';

/** The signed-in session of a server-rendered app page (checked against its device), or null. */
export const currentAuthenticatorSession = async (): Promise<AuthenticatorSession | null> =>
  findAuthenticatorSession(getDb(), (await cookies()).get(AUTHENTICATOR_SESSION_COOKIE)?.value);

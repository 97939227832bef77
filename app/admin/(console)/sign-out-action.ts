'use server';

import { signOut } from '@/lib/auth/auth';
import { SIGN_IN_PATH } from '@/lib/auth/auth-paths';

/** Ends the console session (deletes it) and returns to the sign-in page. Next.js's Origin check guards it, as every action. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: SIGN_IN_PATH });
}

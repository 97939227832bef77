'use server';

// The sign-in form's server action. Next.js refuses server actions whose Origin does not match the
// Host (its built-in CSRF protection); that check is kept, never disabled.
import { redirect } from 'next/navigation';
import { actionFailure, type ActionResult } from '@/components/ui/action-result';
import { signIn } from '@/lib/auth/auth';
import { CHECK_EMAIL_PATH, CONSOLE_HOME_PATH, EMAIL_PROVIDER_ID } from '@/lib/auth/auth-paths';
import { SIGN_IN_RESPONSE_FLOOR_MS, withResponseFloor } from '@/lib/auth/with-response-floor';
import { log } from '@/lib/log';

/** Enough to catch a typo; Auth.js normalises the address and the allow-list decides. */
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Asks for a sign-in link. Every address that looks like one gets the same
 * answer (the check-email page) after the same response floor; only an
 * owner or an invited admin is sent a link.
 */
export async function requestSignInLink(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const email = form.get('email');
  if (typeof email !== 'string' || !LOOKS_LIKE_EMAIL.test(email.trim())) {
    return actionFailure('Enter your email address.', { email: ['Enter an email address, like ada@example.com.'] });
  }
  await withResponseFloor(SIGN_IN_RESPONSE_FLOOR_MS, async () => {
    try {
      await signIn(EMAIL_PROVIDER_ID, { email: email.trim(), redirect: false, redirectTo: CONSOLE_HOME_PATH });
    } catch (error) {
      log.error({ err: error }, 'console sign-in request failed');
    }
  });
  redirect(CHECK_EMAIL_PATH);
}

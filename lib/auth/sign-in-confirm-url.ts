import { CONFIRM_SIGN_IN_PATH } from '@/lib/auth/auth-paths';

/**
 * The link the sign-in email carries: the console's confirmation page at
 * APP_URL with Auth.js's callback parameters (token, email, callbackUrl).
 * Built on APP_URL, never on the request's Host header, so a forged Host
 * cannot send a working link to another site.
 */
export const signInConfirmUrlFor = (authCallbackUrl: string, appUrl: string): string => {
  const { searchParams } = new URL(authCallbackUrl);

  return `${appUrl}${CONFIRM_SIGN_IN_PATH}?${searchParams.toString()}`;
};

import { randomUUID } from 'node:crypto';
import { renderSignInEmail } from '@/lib/auth/sign-in-email';
import { signInConfirmUrlFor } from '@/lib/auth/sign-in-confirm-url';
import { deliverEmail } from '@/lib/email/deliver-email';
import { getEnv } from '@/lib/env';
import { log } from '@/lib/log';

export type SendSignInLinkOptions = {
  to: string;
  /** Auth.js's callback URL with the token. */
  url: string;
  expires: Date;
};

/**
 * Renders the sign-in email and hands it to the email path (Resend, or the
 * development outbox in the server log) without waiting for the provider:
 * the response to a sign-in request must not take longer, or fail, for a
 * known address than for an unknown one. A failed delivery is logged.
 */
export const sendSignInLink = (options: SendSignInLinkOptions): void => {
  const url = signInConfirmUrlFor(options.url, getEnv().appUrl);
  const email = renderSignInEmail({ url, expires: options.expires });
  void deliverEmail({ idempotencyKey: `sign-in-${randomUUID()}`, to: options.to, link: url, ...email }).then(
    (result) => {
      if (!result.ok) log.error({ error: result.error }, 'console sign-in email was not delivered');
    },
    (error: unknown) => log.error({ err: error }, 'console sign-in email was not delivered'),
  );
};

import type { BaseEnv } from '@/lib/env';

const LOCAL_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

const isLocalUrl = (url: string): boolean => {
  const { hostname } = new URL(url);

  return LOCAL_HOSTNAMES.has(hostname) || hostname.endsWith('.localhost');
};

/**
 * Refuses to start a production server (NODE_ENV=production) that would send
 * approval emails to the development outbox — the server log, where anyone
 * who reads it can approve pending requests — while it serves a URL other
 * than localhost, unless DEVELOPMENT_OUTBOX_I_KNOW is set. Called by every
 * server entry (`npm start`, plain `next start` through instrumentation).
 *
 * @throws Error naming the fix, before anything is served.
 */
export const assertDevelopmentOutboxAllowed = (
  env: Pick<BaseEnv, 'production' | 'resendApiKey' | 'appUrl' | 'developmentOutboxAcknowledged'>,
): void => {
  if (!env.production || env.resendApiKey || env.developmentOutboxAcknowledged || isLocalUrl(env.appUrl)) return;
  throw new Error(
    `Refusing to start: RESEND_API_KEY is not set, so approval emails (and their links) would go to the development outbox in the server log, ` +
      `on ${env.appUrl}, which is not localhost. Set RESEND_API_KEY (and EMAIL_FROM), or DEVELOPMENT_OUTBOX_I_KNOW=true to accept it.`,
  );
};

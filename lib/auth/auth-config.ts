import { createHash, randomBytes } from 'node:crypto';
import type { NextAuthConfig } from 'next-auth';
import Resend from 'next-auth/providers/resend';
import { createAdminAdapter } from '@/lib/auth/admin-adapter';
import { AUTH_BASE_PATH, CHECK_EMAIL_PATH, EMAIL_PROVIDER_ID, SIGN_IN_PATH } from '@/lib/auth/auth-paths';
import { isAdminEmailAllowed } from '@/lib/auth/is-admin-email-allowed';
import { sendSignInLink } from '@/lib/auth/send-sign-in-link';
import { renderSignInEmail } from '@/lib/auth/sign-in-email';
import type { Db } from '@/lib/db/client';
import { getEnv, type Env } from '@/lib/env';
import { log } from '@/lib/log';

/** A console session lasts 8 hours after the last activity… */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
/** …and its expiry is pushed back at most once an hour (one write per hour per admin). */
export const SESSION_UPDATE_AGE_SECONDS = 60 * 60;
/** A sign-in link works once, for 10 minutes. */
export const SIGN_IN_LINK_MAX_AGE_SECONDS = 10 * 60;

/**
 * Where Auth.js sends a known address after issuing its link; an unknown one
 * is sent to the same place (the signIn callback), so both responses match.
 */
const VERIFY_REQUEST_REDIRECT = `${AUTH_BASE_PATH}/verify-request?${new URLSearchParams({ provider: EMAIL_PROVIDER_ID, type: 'email' })}`;

/** Auth.js error types a visitor causes (a spent or expired link, a removed admin): not server faults. */
const VISITOR_ERRORS = new Set(['AccessDenied', 'Verification', 'MissingCSRF']);

/** An Auth.js error's `type` (its class name survives no minification; the type does). */
const authErrorType = (error: Error): string | undefined => {
  const type = (error as { type?: unknown }).type;

  return typeof type === 'string' ? type : undefined;
};

/**
 * The work an unknown address is spared (rendering the email, hashing the
 * token), done anyway and thrown away, so the two paths cost the same.
 */
const renderDiscardedSignInEmail = (appUrl: string): void => {
  const token = randomBytes(32).toString('hex');
  createHash('sha256')
    .update(`${token}${randomBytes(32).toString('base64url')}`)
    .digest('hex');
  renderSignInEmail({
    url: `${appUrl}/admin/sign-in/confirm?token=${token}`,
    expires: new Date(Date.now() + SIGN_IN_LINK_MAX_AGE_SECONDS * 1000),
  });
};

/**
 * The console's Auth.js configuration: email magic links (next-auth's Resend
 * provider, sent through lib/email like every other email), database sessions
 * in AdminSession (8 h, sliding), cookies httpOnly and `Secure` when APP_URL
 * is https.
 *
 * Who may sign in: owners named in ADMIN_EMAILS and invited admins. Any other
 * address is answered exactly like a known one (same redirect, same work) but
 * gets no token and no email; callers add a fixed response floor
 * (withResponseFloor) so time tells nothing either.
 */
export const buildAuthConfig = (db: Db, env: Env = getEnv()): NextAuthConfig => ({
  adapter: createAdminAdapter(db, { ownerEmails: env.adminEmails }),
  secret: env.authSecret,
  trustHost: true,
  basePath: AUTH_BASE_PATH,
  useSecureCookies: env.appUrl.startsWith('https://'),
  session: { strategy: 'database', maxAge: SESSION_MAX_AGE_SECONDS, updateAge: SESSION_UPDATE_AGE_SECONDS },
  pages: { signIn: SIGN_IN_PATH, verifyRequest: CHECK_EMAIL_PATH, error: SIGN_IN_PATH },
  logger: {
    error: (error) => {
      const type = authErrorType(error);
      if (type && VISITOR_ERRORS.has(type)) log.info({ error: type }, 'console sign-in refused');
      else log.error({ err: error }, 'console sign-in failed');
    },
    warn: (code) => log.warn({ code }, 'Auth.js warning'),
    debug: () => {},
  },
  providers: [
    Resend({
      id: EMAIL_PROVIDER_ID,
      from: env.emailFrom,
      maxAge: SIGN_IN_LINK_MAX_AGE_SECONDS,
      // Unused: the email goes through lib/email (RESEND_API_KEY, RESEND_BASE_URL, or the development outbox).
      apiKey: 'unused',
      sendVerificationRequest: async ({ identifier, url, expires }) => sendSignInLink({ to: identifier, url, expires }),
    }),
  ],
  callbacks: {
    async signIn({ user, email }) {
      const address = user.email?.toLowerCase();
      const allowed = address ? await isAdminEmailAllowed(db, { email: address, ownerEmails: env.adminEmails }) : false;
      if (!email?.verificationRequest) return allowed;
      if (allowed) return true;
      renderDiscardedSignInEmail(env.appUrl);

      return VERIFY_REQUEST_REDIRECT;
    },
    session({ session, user }) {
      return { ...session, user: { id: user.id, email: user.email, name: user.name ?? null } };
    },
  },
});

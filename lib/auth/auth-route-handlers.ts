import { NextRequest } from 'next/server';
import { AUTH_BASE_PATH, CONFIRM_SIGN_IN_PATH, EMAIL_CALLBACK_PATH, EMAIL_PROVIDER_ID } from '@/lib/auth/auth-paths';
import { SIGN_IN_RESPONSE_FLOOR_MS, withResponseFloor } from '@/lib/auth/with-response-floor';
import { getEnv } from '@/lib/env';

type AuthHandler = (request: NextRequest) => Promise<Response>;

const EMAIL_SIGN_IN_PATH = `${AUTH_BASE_PATH}/signin/${EMAIL_PROVIDER_ID}`;

/** True when the request's Origin is this server (APP_URL, or the Host it was reached at). */
const isSameOrigin = (request: NextRequest): boolean => {
  const origin = request.headers.get('origin');

  return origin !== null && (origin === new URL(getEnv().appUrl).origin || origin === request.nextUrl.origin);
};

/**
 * The request as the browser addressed it, at APP_URL's origin. Next.js
 * derives a request's URL from the instance's own listening address, and
 * Auth.js builds its redirects from it: behind a load balancer (several
 * instances, APP_URL the balancer's address) the browser would be sent to
 * the instance's port instead. Auth.js does the same with AUTH_URL.
 */
export const atAppOrigin = (request: NextRequest): NextRequest => {
  const appOrigin = new URL(getEnv().appUrl).origin;
  const { href, origin } = request.nextUrl;

  return origin === appOrigin ? request : new NextRequest(href.replace(origin, appOrigin), request);
};

/**
 * Auth.js's route handlers (given requests at APP_URL's origin: atAppOrigin) with the console's rules around them:
 * - `GET /api/auth/callback/resend` (the magic link) uses nothing: it
 *   redirects to the confirmation page, whose button POSTs the same
 *   parameters. Link scanners that open every URL in an email cannot spend
 *   the link, and a GET never signs anyone in.
 * - `POST /api/auth/callback/resend` must come from our own origin (Auth.js
 *   checks no CSRF token there; this keeps other sites from signing a
 *   browser in with their own link).
 * - `POST /api/auth/signin/resend` answers no sooner than the response floor,
 *   known address or not.
 */
export const createAuthRouteHandlers = (handlers: { GET: AuthHandler; POST: AuthHandler }) => ({
  GET: async (request: NextRequest): Promise<Response> => {
    if (request.nextUrl.pathname === EMAIL_CALLBACK_PATH) {
      return new Response(null, {
        status: 303,
        headers: { location: `${CONFIRM_SIGN_IN_PATH}${request.nextUrl.search}`, 'cache-control': 'no-store' },
      });
    }

    return handlers.GET(atAppOrigin(request));
  },
  POST: async (request: NextRequest): Promise<Response> => {
    const { pathname } = request.nextUrl;
    if (pathname === EMAIL_CALLBACK_PATH && !isSameOrigin(request)) {
      return Response.json({ error: 'forbidden', message: 'Cross-origin sign-in refused.' }, { status: 403 });
    }
    if (pathname === EMAIL_SIGN_IN_PATH) {
      return withResponseFloor(SIGN_IN_RESPONSE_FLOOR_MS, () => handlers.POST(atAppOrigin(request)));
    }

    return handlers.POST(atAppOrigin(request));
  },
});

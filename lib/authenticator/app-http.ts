import { AuthenticatorError, isAuthenticatorError } from '@/lib/authenticator/errors';
import {
  AUTHENTICATOR_SESSION_COOKIE,
  findAuthenticatorSession,
  sessionCookieOptions,
  type AuthenticatorSession,
} from '@/lib/authenticator/session';
import { getDb, type Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { collectBody } from '@/lib/http/collect-body';
import { log } from '@/lib/log';
import { isSameOriginPost } from '@/lib/security/csrf';

/**
 * The HTTP glue of the authenticator app's JSON endpoints
 * (app/authenticator/api/…): every one is a same-origin POST of a JSON body
 * (CSRF: the Origin / Sec-Fetch-Site check, a JSON content type no form can
 * send, and the SameSite=Strict session cookie); AuthenticatorError codes are
 * mapped to their status here only, as `{error, error_description}`.
 */

/** The largest body an app endpoint reads (a WebAuthn response is a few KiB). */
const MAX_APP_BODY_BYTES = 32 * 1024;

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { ...NO_STORE, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
  });

export const errorResponse = (error: AuthenticatorError): Response =>
  jsonResponse(error.status, { error: error.code, error_description: error.message });

/** The session cookie's value from a request's Cookie header. */
export const sessionTokenOf = (request: Request): string | undefined => {
  const header = request.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === AUTHENTICATOR_SESSION_COOKIE) return rest.join('=');
  }

  return undefined;
};

/** Set-Cookie for a session token (or its removal when `token` is null). */
export const sessionCookieHeader = (token: string | null, expiresAt = new Date(0)): string => {
  const options = sessionCookieOptions(expiresAt);

  return [
    `${AUTHENTICATOR_SESSION_COOKIE}=${token ?? ''}`,
    `Path=${options.path}`,
    `Expires=${(token === null ? new Date(0) : expiresAt).toUTCString()}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
};

type AppPostContext = { db: Db; body: Record<string, unknown>; request: Request };

const readJsonObject = async (request: Request): Promise<Record<string, unknown>> => {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AuthenticatorError('invalid_request', 'The body must be application/json.');
  const raw = await collectBody(request.body, MAX_APP_BODY_BYTES);
  if (raw.length > MAX_APP_BODY_BYTES) throw new AuthenticatorError('invalid_request', 'The body is too large.');
  let parsed: unknown;
  try {
    parsed = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AuthenticatorError('invalid_request', 'The body is not JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AuthenticatorError('invalid_request', 'The body must be a JSON object.');
  }

  return parsed as Record<string, unknown>;
};

/**
 * Runs an app endpoint: same-origin check, JSON body, the handler; typed
 * errors become their status, anything else a logged 500.
 */
export const appPost = async (request: Request, handler: (context: AppPostContext) => Promise<Response>): Promise<Response> => {
  try {
    if (!isSameOriginPost(request.headers, getEnv().appUrl))
      throw new AuthenticatorError('forbidden', 'Cross-origin requests are refused.');
    const body = await readJsonObject(request);

    return await handler({ db: getDb(), body, request });
  } catch (error) {
    if (isAuthenticatorError(error)) return errorResponse(error);
    log.error({ err: error }, 'authenticator app request failed');

    return jsonResponse(500, { error: 'server_error', error_description: 'Something went wrong on our side.' });
  }
};

/** As appPost, for endpoints of a signed-in user: the session is checked against its device on every use. */
export const appSessionPost = (
  request: Request,
  handler: (context: AppPostContext & { session: AuthenticatorSession }) => Promise<Response>,
): Promise<Response> =>
  appPost(request, async (context) => {
    const session = await findAuthenticatorSession(context.db, sessionTokenOf(request));
    if (!session) throw new AuthenticatorError('unauthenticated', 'Sign in with your passkey.');

    return handler({ ...context, session });
  });

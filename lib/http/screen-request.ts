/**
 * Requests no route of ours can mean, refused before Next.js sees them: Next
 * answers some of them with a 500 ("This is a bug in Next.js"). Both the lean
 * HTTP layer (lib/http/http-layer.ts) and proxy.ts (which also runs under plain
 * `next start`) call `screenRequest`; the protocol and Management API routers
 * handle every method and path themselves and need no screening.
 */

/** Every method a route of ours answers; anything else (TRACE, CONNECT, …) is refused with 405. */
export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const ALLOWED_METHOD_SET: ReadonlySet<string> = new Set(ALLOWED_METHODS);

export type RequestRefusal = {
  status: 400 | 403 | 405;
  /** One short sentence for the response body. */
  reason: string;
  headers: Record<string, string>;
};

export type ScreenedRequest = {
  method: string;
  /** The request target as received (`/path?query`), percent-escapes undecoded. */
  target: string;
  /** A header's value (lower-case name), undefined when absent. */
  header: (name: string) => string | undefined;
};

const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

const mediaTypeOf = (contentType: string | undefined): string | undefined => contentType?.split(';')[0].trim().toLowerCase();

/** Whether Next.js may treat the request as a server action (and so read Origin and the body as one). */
export const isPossibleServerAction = (request: Pick<ScreenedRequest, 'method' | 'header'>): boolean =>
  request.method === 'POST' &&
  (request.header('next-action') !== undefined || FORM_CONTENT_TYPES.includes(mediaTypeOf(request.header('content-type')) ?? ''));

/** Whether a multipart body must be well-formed before Next.js parses it (proxy.ts checks it). */
export const hasMultipartBody = (request: Pick<ScreenedRequest, 'method' | 'header'>): boolean =>
  request.method === 'POST' && mediaTypeOf(request.header('content-type')) === 'multipart/form-data';

const pathOf = (target: string): string => {
  const queryAt = target.indexOf('?');

  return queryAt < 0 ? target : target.slice(0, queryAt);
};

const decodes = (path: string): boolean => {
  try {
    decodeURIComponent(path);

    return true;
  } catch {
    return false;
  }
};

const isUrl = (value: string): boolean => {
  try {
    new URL(value);

    return true;
  } catch {
    return false;
  }
};

const badRequest = (reason: string): RequestRefusal => ({ status: 400, reason, headers: {} });

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
};

/**
 * Whether Next.js's server-action CSRF check would pass: the Origin's host is
 * the first X-Forwarded-Host or the Host (Next answers a mismatch with a 500).
 */
const isSameHostOrigin = (request: ScreenedRequest, origin: string): boolean => {
  const originHost = hostOf(origin);
  const forwardedHost = request.header('x-forwarded-host')?.split(',')[0].trim();

  return originHost !== undefined && (originHost === forwardedHost || originHost === request.header('host'));
};

/**
 * Null for a request our routes can answer, else why it is refused:
 * - 405 (with `Allow`) for a method outside ALLOWED_METHODS;
 * - 400 for a path with a percent-escape that is not UTF-8 (`%ff`, `%zz`);
 * - 400 for a POST with Next's `RSC` header but no `Next-Action` (no client sends one);
 * - 400 for a would-be server action whose `Origin` is neither `null` nor a URL;
 * - 403 for a server action call (`Next-Action`) from another origin (or `Origin: null`);
 * - 400 for an `X-Forwarded-Proto` other than http or https (Auth.js builds its URLs from it).
 */
export const screenRequest = (request: ScreenedRequest): RequestRefusal | null => {
  if (!ALLOWED_METHOD_SET.has(request.method)) {
    return {
      status: 405,
      reason: `The method ${request.method} is not allowed.`,
      headers: { Allow: ALLOWED_METHODS.join(', ') },
    };
  }
  if (!decodes(pathOf(request.target))) return badRequest('The path has an invalid percent-escape.');
  if (request.method === 'POST' && request.header('rsc') !== undefined && request.header('next-action') === undefined) {
    return badRequest('A POST with an RSC header must name a server action.');
  }
  const origin = request.header('origin');
  if (isPossibleServerAction(request) && origin !== undefined) {
    if (origin !== 'null' && !isUrl(origin)) return badRequest('The Origin header is not a URL.');
    if (request.header('next-action') !== undefined && !isSameHostOrigin(request, origin)) {
      return { status: 403, reason: 'A server action must come from this origin.', headers: {} };
    }
  }
  const forwardedProto = request.header('x-forwarded-proto');
  if (forwardedProto !== undefined && !['http', 'https'].includes(forwardedProto.split(',')[0].trim().toLowerCase())) {
    return badRequest('X-Forwarded-Proto must be http or https.');
  }

  return null;
};

const STATUS_TEXT = { 400: 'Bad Request', 403: 'Forbidden', 405: 'Method Not Allowed' } as const;

/** The refusal as a response: a one-line text/plain body, never cached. */
export const refusalResponse = (refusal: RequestRefusal): { status: number; headers: Record<string, string>; body: string } => ({
  status: refusal.status,
  headers: { ...refusal.headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  body: `${refusal.status} ${STATUS_TEXT[refusal.status]}: ${refusal.reason}\n`,
});

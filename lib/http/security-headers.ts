/**
 * The security headers of every response, in one place: proxy.ts sets the
 * page headers (with a per-request CSP nonce) on everything Next.js serves,
 * the lean HTTP layer sets the base headers on the protocol and Management API
 * responses it answers itself.
 */

/**
 * SHA-256 of the stylesheet sonner (the console's toasts) inserts as an inline
 * `<style>` when it loads; it carries no nonce, so the CSP allows it by hash.
 * security-headers.test.ts recomputes it from the installed sonner.
 */
export const SONNER_STYLE_HASH = 'sha256-StEaX+se6YS7pqjzrzMIA0KaX9zF/8zAhvQXZAe5epY=';

/** SHA-256 of the empty string: sonner appends its `<style>` empty, then fills it; the CSP checks both. */
export const EMPTY_STYLE_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/** HSTS for two years, subdomains included: sent only on responses served over TLS (or behind an https APP_URL). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=63072000; includeSubDomains';

/** Browser features no page of ours uses, turned off for it and anything it could embed. */
export const PERMISSIONS_POLICY =
  'accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()';

/** The policy of a response that is not a page (JSON, plain-text errors): nothing may load, nothing may frame it. */
export const NON_PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

export type PageSecurityOptions = {
  /** A fresh, unguessable value per response (base64); Next.js puts it on its own scripts. */
  nonce: string;
  /** The page is served as https: ask the browser to upgrade any http subresource and remember HSTS. */
  https: boolean;
};

/**
 * A strict, nonce-based CSP (https://www.w3.org/TR/CSP3/#strict-csp): scripts
 * only with the nonce (and what they load, `'strict-dynamic'`); styles from our
 * origin, with the nonce, or sonner's by hash (and the empty one it starts as). `style-src-attr 'unsafe-inline'`
 * lets server-rendered `style=""` attributes (chart sizes) apply: an attribute
 * cannot load anything or select other elements.
 */
export const pageContentSecurityPolicy = ({ nonce, https }: PageSecurityOptions): string =>
  [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}' '${SONNER_STYLE_HASH}' '${EMPTY_STYLE_HASH}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');

/**
 * Headers every response carries. `Referrer-Policy: same-origin`, not
 * `no-referrer`: with no-referrer a browser sends `Origin: null` on a form
 * POST, which the approval decision (lib/security/csrf.ts) and Next.js's
 * server-action check would refuse.
 */
export const baseSecurityHeaders = ({ https }: { https: boolean }): Record<string, string> => ({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  ...(https ? { 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY } : {}),
});

/** The headers of an HTML page (and of anything else Next.js answers): base headers, CSP, Permissions-Policy. */
export const pageSecurityHeaders = (options: PageSecurityOptions): Record<string, string> => ({
  ...baseSecurityHeaders(options),
  'Content-Security-Policy': pageContentSecurityPolicy(options),
  'Permissions-Policy': PERMISSIONS_POLICY,
});

/** The headers of a JSON or plain-text response. */
export const nonPageSecurityHeaders = ({ https }: { https: boolean }): Record<string, string> => ({
  ...baseSecurityHeaders({ https }),
  'Content-Security-Policy': NON_PAGE_CONTENT_SECURITY_POLICY,
});

/**
 * Pages that show a request's or a tenant's data: the approval pages
 * (`/t/<tenant>/approve/…`), the console (`/admin/…`) and the
 * authenticator app (`/authenticator…`). Their responses
 * must never be stored by a browser or a shared cache.
 */
export const showsPrivateData = (path: string): boolean =>
  path === '/admin' ||
  path.startsWith('/admin/') ||
  path === '/authenticator' ||
  path.startsWith('/authenticator/') ||
  /^\/t\/[^/]+\/approve(\/|$)/.test(path);

/** The request header proxy.ts passes the response's CSP nonce in (to the root layout's inline script). */
export const NONCE_REQUEST_HEADER = 'x-nonce';

import { invalidRequest, OAuthError, truncate } from '@/lib/oauth/errors';

/**
 * A protocol request as every HTTP layer can produce it: the Next.js route
 * adapters and the fast-path server both build one of these, so no protocol
 * code depends on a framework's request object.
 */
export type ProtocolRequest = {
  method: string;
  /** Path without the query string, e.g. `/t/acme/oauth/token`. */
  path: string;
  /** The query string without its `?` (empty when there is none); read only by the conformance hook (lib/ciba/test-hook.ts). */
  query?: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  /** Raw request body (empty when there is none). */
  body: Buffer;
  /** The request's arrival time; protocol timing (slow_down, expiry) is measured from it. */
  receivedAt: Date;
  /** The TLS client certificate, when the server terminated TLS and the client sent one. */
  clientCertificate?: ClientCertificate;
  /** The id the request is logged under and echoed as `X-Request-Id` (lib/http/request-id.ts). */
  requestId?: string;
  /** Aborts when the client goes away before its answer (a held long poll is then released). */
  signal?: AbortSignal;
};

/** A client certificate as the HTTP layer saw it (for mutual-TLS client authentication, RFC 8705). */
export type ClientCertificate = {
  pem: string;
  /** SHA-256 fingerprint, colon-separated hex (node:crypto X509Certificate). */
  fingerprint256: string;
  /** Subject distinguished name, one RDN per line. */
  subject: string;
  /** Whether it chains to the CA the server was given (TLS_CA_FILE). */
  chainVerified: boolean;
};

export type ProtocolResponse = {
  status: number;
  headers: Record<string, string>;
  /** Serialised body (JSON for every protocol endpoint). */
  body: string;
};

/** Requests larger than this are refused before parsing. */
export const MAX_FORM_BODY_BYTES = 64 * 1024;

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** A JSON response; `noStore` for anything carrying tokens or per-request state. */
export const jsonResponse = (
  status: number,
  body: unknown,
  options: { noStore?: boolean; headers?: Record<string, string> } = {},
): ProtocolResponse => ({
  status,
  headers: {
    'Content-Type': 'application/json; charset=utf-8',
    ...(options.noStore ? NO_STORE : {}),
    ...options.headers,
  },
  body: JSON.stringify(body),
});

/**
 * The one place OAuth errors become responses: `{ error, error_description }`
 * plus any public extras, the error's status and headers, never cached; the
 * private `detail` is never sent. Anything that is not an OAuthError is
 * answered with a generic `server_error`, so no stack trace or internal
 * detail ever reaches a client. Logging is the caller's job.
 */
export const oauthErrorResponse = (error: unknown): ProtocolResponse => {
  if (error instanceof OAuthError) {
    return jsonResponse(
      error.status,
      { error: error.error, error_description: error.description, ...error.extra },
      { noStore: true, headers: error.headers },
    );
  }
  return jsonResponse(
    500,
    { error: 'server_error', error_description: 'The server could not complete the request.' },
    { noStore: true },
  );
};

/** A parsed form: one value per name, empty values dropped (RFC 6749 §3.1). */
export type FormParams = ReadonlyMap<string, string>;

const isFormContentType = (contentType: string | undefined): boolean =>
  contentType?.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';

/**
 * Parses an `application/x-www-form-urlencoded` body (RFC 6749 §3.2,
 * CIBA §7.1). Throws invalid_request for another content type, an oversized
 * or non-UTF-8 body, a NUL character, or any parameter given more than once. Parameters sent
 * without a value are treated as omitted (RFC 6749 §3.1).
 */
export const parseFormBody = (request: ProtocolRequest): FormParams => {
  let params = parsedForms.get(request);
  if (!params) {
    params = parseForm(request);
    parsedForms.set(request, params);
  }

  return params;
};

/** Bodies already parsed (a request's form may be read ahead of its endpoint: see cibaPollHashOf). */
const parsedForms = new WeakMap<ProtocolRequest, FormParams>();

const parseForm = (request: ProtocolRequest): FormParams => {
  if (!isFormContentType(request.headers['content-type'])) {
    throw invalidRequest('The request body must be application/x-www-form-urlencoded.');
  }
  if (request.body.length > MAX_FORM_BODY_BYTES) {
    throw invalidRequest('The request body is too large.');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(request.body);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.');
  }
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (seen.has(name)) {
      throw invalidRequest(`The parameter "${truncate(name)}" must not be repeated.`);
    }
    seen.add(name);
    // NUL is never meaningful in OAuth parameters, and PostgreSQL text cannot hold it.
    if (name.includes('\u0000') || value.includes('\u0000')) {
      throw invalidRequest('Parameters must not contain NUL characters.');
    }
    if (value !== '') params.set(name, value);
  }

  return params;
};

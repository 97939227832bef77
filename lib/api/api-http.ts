/** Where the Management API is served: `<APP_URL>/api/v1`. */
export const API_BASE_PATH = '/api/v1';

/** Request bodies larger than this are refused (413) before parsing. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

/**
 * A Management API request as every HTTP layer can produce it (the Next.js
 * route adapter, the node:http adapter), so the router depends on no framework.
 */
export type ApiRequest = {
  method: string;
  /** Path without the query string, still percent-encoded, e.g. `/api/v1/tenants/acme`. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  /** Raw request body (empty when there is none); at most MAX_API_BODY_BYTES plus one chunk (lib/http/collect-body.ts). */
  body: Buffer;
  /** The request's arrival time. */
  receivedAt: Date;
  /** The id the request is logged under and echoed as `X-Request-Id`. */
  requestId?: string;
};

export type ApiResponse = {
  status: number;
  headers: Record<string, string>;
  /** Serialised JSON, or empty (204). */
  body: string;
};

/** Every answer may carry a secret shown once (client secrets, API keys) or tenant data: never cached. */
const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** A JSON answer; 204 carries no body and no Content-Type. */
export const apiJsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse =>
  status === 204 || body === undefined
    ? { status, headers: { ...NO_STORE, ...headers }, body: '' }
    : {
        status,
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
        body: JSON.stringify(body),
      };

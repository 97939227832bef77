/**
 * For tests: the Management API behind a real node:http server on a free
 * port, and a client that speaks JSON to it over the wire.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiKey } from '@/lib/admin/create-api-key';
import { revokeApiKey } from '@/lib/admin/revoke-api-key';
import { API_BASE_PATH } from '@/lib/api/api-http';
import { serveApiNodeRequest } from '@/lib/api/node-adapter';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type ApiReply = {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined for an empty one. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read answers of every shape
  text: string;
};

export type ApiCallOptions = {
  /** Sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** Sent as JSON (`Content-Type: application/json`). */
  body?: unknown;
  /** Sent as is (with the headers given), instead of `body`. */
  rawBody?: string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
};

export type ApiCaller = (method: string, path: string, options?: ApiCallOptions) => Promise<ApiReply>;

/** Starts the API on 127.0.0.1 and a free port; `call` takes paths under /api/v1 (e.g. `/tenants`). */
export const startTestApiServer = async (): Promise<{ baseUrl: string; call: ApiCaller; close: () => Promise<void> }> => {
  const server = createServer((request, response) => {
    serveApiNodeRequest(request, response).catch((error: unknown) => {
      response.writeHead(599);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${API_BASE_PATH}`;

  const call: ApiCaller = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
    let body: string | Uint8Array<ArrayBuffer> | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();

    return {
      status: response.status,
      headers: response.headers,
      json: text === '' ? undefined : (JSON.parse(text) as unknown),
      text,
    };
  };

  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });

  return { baseUrl, call, close };
};

/** The keys most API tests need: one for every tenant, one per tenant of `tenantSlugs`, and a revoked one. */
export const createTestApiKeys = async <Slug extends string>(
  db: Db,
  tenantSlugs: readonly Slug[],
): Promise<{ all: string; revoked: string; byTenant: Record<Slug, string> }> => {
  const all = await createApiKey(db, CLI_PRINCIPAL, { name: 'All tenants' });
  const revoked = await createApiKey(db, CLI_PRINCIPAL, { name: 'Revoked' });
  await revokeApiKey(db, CLI_PRINCIPAL, { id: revoked.id });
  const byTenant = {} as Record<Slug, string>;
  for (const slug of tenantSlugs) {
    byTenant[slug] = (await createApiKey(db, CLI_PRINCIPAL, { name: `${slug} key`, tenantSlug: slug })).key;
  }

  return { all: all.key, revoked: revoked.key, byTenant };
};

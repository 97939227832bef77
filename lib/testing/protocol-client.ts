import { expect } from 'vitest';
import type { ProtocolRequest } from '@/lib/http/protocol-http';
import { handleProtocolRequest } from '@/lib/http/protocol-router';

export type ClientCredentials = { clientId: string; clientSecret: string };

type FormRequestOptions = {
  /** client_secret_basic (default when credentials are given) or client_secret_post. */
  auth?: ClientCredentials & { method?: 'basic' | 'post' };
  headers?: Record<string, string>;
  method?: string;
  receivedAt?: Date;
};

const basicAuthorization = ({ clientId, clientSecret }: ClientCredentials): string => {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
};

/** A form POST to a protocol path, as a relying party would send it. */
export const formRequest = (
  path: string,
  params: Record<string, string> | string,
  options: FormRequestOptions = {},
): ProtocolRequest => {
  const body = new URLSearchParams(typeof params === 'string' ? params : params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers };
  if (options.auth?.method === 'post') {
    body.set('client_id', options.auth.clientId);
    body.set('client_secret', options.auth.clientSecret);
  } else if (options.auth) {
    headers.authorization = basicAuthorization(options.auth);
  }

  return {
    method: options.method ?? 'POST',
    path,
    headers,
    body: Buffer.from(body.toString()),
    receivedAt: options.receivedAt ?? new Date(),
  };
};

export type EndpointResult = { status: number; headers: Record<string, string>; json: Record<string, unknown> };

/** Sends a request through the protocol router and parses the JSON answer. */
export const call = async (request: ProtocolRequest): Promise<EndpointResult> => {
  const response = await handleProtocolRequest(request);

  return { status: response.status, headers: response.headers, json: JSON.parse(response.body) as Record<string, unknown> };
};

/**
 * A created client's credentials, as the provisioning functions return them.
 *
 * @throws when the client has no secret (a key or certificate method).
 */
export const credentialsOf = (created: { client_id: string; client_secret?: string }): ClientCredentials => {
  if (created.client_secret === undefined) throw new Error(`Client ${created.client_id} has no secret.`);

  return { clientId: created.client_id, clientSecret: created.client_secret };
};

/**
 * Asserts an OAuth error answer exactly: the status, the `error` code, a
 * string `error_description`, no other members (but `interval` on
 * slow_down, CIBA §11), and `Cache-Control: no-store`.
 */
export const expectOAuthError = (result: EndpointResult, status: number, error: string): void => {
  expect({ status: result.status, error: result.json.error }).toEqual({ status, error });
  expect(typeof result.json.error_description).toBe('string');
  const members = error === 'slow_down' ? ['error', 'error_description', 'interval'] : ['error', 'error_description'];
  expect(Object.keys(result.json).sort()).toEqual(members);
  expect(result.headers['Cache-Control']).toBe('no-store');
};

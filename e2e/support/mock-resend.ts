// A local stand-in for the Resend API, enough for the resend SDK's `emails.send`:
//   POST /emails  (JSON: from, to, subject, html, text; `Authorization: Bearer <key>`) → 200 { id }
// and, for the tests only:
//   GET  /__messages[?to=<address>]  → 200 { messages: StoredEmail[] } (oldest first)
// Errors are answered in Resend's shape ({ statusCode, name, message }), so the SDK
// reports them as `{ error }` just as it would against the real service. Recipients under the
// reserved `.invalid` TLD (RFC 2606) are refused with 422, as Resend refuses an address it cannot
// send to: a permanent failure, for specs that need a notification to fail.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StoredEmail = {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  idempotencyKey: string | null;
  receivedAt: string;
};

export type MockResend = {
  url: string;
  messages: StoredEmail[];
  close: () => Promise<void>;
};

const MAX_BODY_BYTES = 1024 * 1024;

const send = (response: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
};

const resendError = (response: ServerResponse, statusCode: number, name: string, message: string): void =>
  send(response, statusCode, { statusCode, name, message });

const readBody = (request: IncomingMessage): Promise<Buffer | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Starts the mock on 127.0.0.1 and a random free port. */
export const startMockResend = async (options: { apiKey: string }): Promise<MockResend> => {
  const messages: StoredEmail[] = [];
  const byIdempotencyKey = new Map<string, StoredEmail>();

  const handleSend = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return resendError(response, 401, 'missing_api_key', 'Missing or wrong API key in the Authorization header.');
    }
    if (!request.headers['content-type']?.toLowerCase().startsWith('application/json')) {
      return resendError(response, 422, 'validation_error', 'Content-Type must be application/json.');
    }
    const raw = await readBody(request);
    if (raw === null) return resendError(response, 413, 'validation_error', 'Body too large.');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return resendError(response, 422, 'validation_error', 'Body is not JSON.');
    }
    const to = Array.isArray(body.to) ? body.to : [body.to];
    if (!isString(body.from) || !isString(body.subject) || to.length === 0 || !to.every(isString)) {
      return resendError(response, 422, 'validation_error', 'from, to and subject are required.');
    }
    if (!isString(body.html) && !isString(body.text)) {
      return resendError(response, 422, 'validation_error', 'html or text is required.');
    }
    if (to.some((address) => String(address).toLowerCase().endsWith('.invalid'))) {
      return resendError(response, 422, 'validation_error', 'Invalid `to` field: the domain cannot receive email.');
    }
    const idempotencyKey = typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : null;
    const earlier = idempotencyKey ? byIdempotencyKey.get(idempotencyKey) : undefined;
    if (earlier) return send(response, 200, { id: earlier.id });

    const stored: StoredEmail = {
      id: randomUUID(),
      from: body.from,
      to,
      subject: body.subject,
      html: isString(body.html) ? body.html : '',
      text: isString(body.text) ? body.text : '',
      idempotencyKey,
      receivedAt: new Date().toISOString(),
    };
    messages.push(stored);
    if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, stored);

    return send(response, 200, { id: stored.id });
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://mock.invalid');
    const handled = (async () => {
      if (request.method === 'POST' && url.pathname === '/emails') return handleSend(request, response);
      if (request.method === 'GET' && url.pathname === '/__messages') {
        const to = url.searchParams.get('to')?.toLowerCase();
        const selected = to ? messages.filter((message) => message.to.some((address) => address.toLowerCase() === to)) : messages;

        return send(response, 200, { messages: selected });
      }

      return resendError(response, 404, 'not_found', `No route ${request.method} ${url.pathname} in the mock.`);
    })();
    handled.catch((error: unknown) => {
      console.error('[mock-resend] request failed:', error);
      if (!response.headersSent) resendError(response, 500, 'application_error', 'Mock failure.');
      else response.end();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedEmail = {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  body: { from?: string; to?: string[]; subject?: string; text?: string; html?: string };
};

export type FakeResend = {
  baseUrl: string;
  /** Every POST /emails, in order, retries included. */
  received: ReceivedEmail[];
  /** Distinct emails accepted (Resend keeps one per idempotency key). */
  accepted: () => ReceivedEmail[];
  /** The next answers: a status (and body) per request; default 200 with an id. */
  respondWith: (...answers: Array<{ status: number; body?: unknown } | 'hang'>) => void;
  close: () => Promise<void>;
};

/**
 * A real HTTP stand-in for Resend's `POST /emails`, with Resend's idempotency
 * (the same Idempotency-Key gets the same id and is kept once). `'hang'`
 * answers nothing, for tests that kill the sender mid-request.
 */
export const startFakeResend = async (options: { onReceive?: (email: ReceivedEmail) => void } = {}): Promise<FakeResend> => {
  const received: ReceivedEmail[] = [];
  const ids = new Map<string, string>();
  const answers: Array<{ status: number; body?: unknown } | 'hang'> = [];
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);

    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as ReceivedEmail['body'];
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const email: ReceivedEmail = {
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      authorization: request.headers.authorization,
      body: await readBody(request),
    };
    received.push(email);
    options.onReceive?.(email);
    const answer = answers.shift() ?? { status: 200 };
    if (answer === 'hang') return;
    let body = answer.body;
    if (answer.status === 200 && body === undefined) {
      const key = email.idempotencyKey ?? randomUUID();
      if (!ids.has(key)) ids.set(key, randomUUID());
      body = { id: ids.get(key) };
    }
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { statusCode: answer.status, name: 'error', message: `HTTP ${answer.status}` }));
  };
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    accepted: () => [
      ...new Map(
        received.filter((email) => ids.has(email.idempotencyKey ?? '')).map((email) => [email.idempotencyKey, email]),
      ).values(),
    ],
    respondWith: (...next) => answers.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Points the app's email at `baseUrl` (Resend mode), or back at the development outbox (undefined). */
export const useResend = (baseUrl: string | undefined): void => {
  if (baseUrl === undefined) {
    delete process.env.RESEND_API_KEY;
    delete process.env.RESEND_BASE_URL;
  } else {
    process.env.RESEND_API_KEY = 're_test_key';
    process.env.RESEND_BASE_URL = baseUrl;
  }
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export type ReceivedCallback = { method: string; path: string; headers: IncomingHttpHeaders; body: string };

/** How the receiver answers a request: a status, headers and a body, after `delayMs` (default at once). */
export type CallbackAnswer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

export type CallbackReceiver = {
  /** http://127.0.0.1:<port> */
  origin: string;
  received: ReceivedCallback[];
  /** Requests to `path` so far. */
  to(path: string): ReceivedCallback[];
  /** The answers to the next requests to `path`, in order; after them: 204. */
  answer(path: string, ...answers: CallbackAnswer[]): void;
  /** Resolves once `count` requests reached `path`. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<ReceivedCallback[]>;
  close(): Promise<void>;
};

/**
 * A client's notification endpoint for tests: a real HTTP server on
 * 127.0.0.1 (port 0) that records every request and answers as told.
 */
export const startCallbackReceiver = async (): Promise<CallbackReceiver> => {
  const received: ReceivedCallback[] = [];
  const answers = new Map<string, CallbackAnswer[]>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = answers.get(path)?.shift() ?? { status: 204 };
      const respond = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      };
      if (!answer.delayMs) return respond();
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond();
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const to = (path: string) => received.filter((entry) => entry.path === path);

  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    to,
    answer: (path, ...next) => answers.set(path, [...(answers.get(path) ?? []), ...next]),
    waitFor: async (path, count, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (to(path).length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} callbacks to ${path}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      return to(path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

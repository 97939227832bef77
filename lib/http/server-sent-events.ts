import { onShutdown } from '@/lib/lifecycle/shutdown-state';

/**
 * A `text/event-stream` response (HTML Living Standard §9.2, server-sent
 * events) fed by a subscription. Each message is one JSON `data` line; a
 * message with an `id` sets the stream's last event id, which the browser
 * sends back as `Last-Event-ID` when it reconnects. A comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream. When the client
 * stops reading and more than `maxBufferedBytes` wait, the stream is closed:
 * the client reconnects and resumes from its last event id, so a slow
 * reader costs itself a reconnect, never the server its memory. When the
 * server shuts down (SIGTERM) the stream ends, so the browser reconnects —
 * through the load balancer, to another instance — instead of holding the
 * drain open until its deadline.
 */
export type ServerSentMessage = { id?: string; data: unknown };

export type EventStreamOptions = {
  /** Starts the subscription; resolves to the function that ends it. */
  subscribe: (send: (messages: readonly ServerSentMessage[]) => void) => Promise<() => void>;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Asked every `recheckMs` whether the client may still watch (its session, its access); false ends the stream. */
  stillAllowed?: () => Promise<boolean>;
  heartbeatMs?: number;
  recheckMs?: number;
  /** The reconnection delay the browser is told (`retry:`). */
  retryMs?: number;
  maxBufferedBytes?: number;
};

const encoder = new TextEncoder();

/** One message in the wire format: no newline can occur inside (JSON escapes them). */
export const formatServerSentMessage = ({ id, data }: ServerSentMessage): string =>
  `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;

export const eventStreamResponse = async ({
  subscribe,
  signal,
  stillAllowed,
  heartbeatMs = 15_000,
  recheckMs = 30_000,
  retryMs = 2_000,
  maxBufferedBytes = 4 * 1024 * 1024,
}: EventStreamOptions): Promise<Response> => {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  let stop: (() => void) | null = null;
  let forgetShutdown: (() => void) | null = null;

  const close = () => {
    if (closed) return;
    closed = true;
    for (const timer of timers) clearInterval(timer);
    forgetShutdown?.();
    stop?.();
    try {
      controller?.close();
    } catch {
      // already closed by the client
    }
  };
  const write = (text: string) => {
    if (closed || !controller) return;
    if ((controller.desiredSize ?? 0) < 0) {
      close();

      return;
    }
    controller.enqueue(encoder.encode(text));
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start: (started) => {
        controller = started;
      },
      cancel: () => close(),
    },
    { highWaterMark: maxBufferedBytes, size: (chunk) => chunk.byteLength },
  );
  write(`retry: ${retryMs}\n\n`);
  stop = await subscribe((messages) => write(messages.map(formatServerSentMessage).join('')));
  if (signal.aborted) close();
  signal.addEventListener('abort', close, { once: true });
  if (!closed) forgetShutdown = onShutdown(close);
  timers.push(setInterval(() => write(': keep-alive\n\n'), heartbeatMs));
  if (stillAllowed) {
    timers.push(
      setInterval(() => {
        void stillAllowed().then(
          (allowed) => allowed || close(),
          () => close(),
        );
      }, recheckMs),
    );
  }

  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: no proxy (nor Next's compression) may buffer the stream.
      'Cache-Control': 'no-store, no-transform',
      'X-Accel-Buffering': 'no',
    },
  });
};

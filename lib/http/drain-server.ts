import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type ServerDrainer = {
  /**
   * Stops accepting connections and lets the requests in flight finish:
   * responses from now on say `Connection: close`, and keep-alive connections
   * are closed as soon as they are idle (at once, then every
   * DRAIN_IDLE_CHECK_MS). At `deadline` (ms since the epoch) whatever is still
   * open is cut. Resolves to how many connections were cut (0 when everything finished).
   */
  drain(deadline: number): Promise<{ cut: number }>;
};

/** While draining, idle keep-alive connections are looked for this often (nothing is added to a request's path). */
export const DRAIN_IDLE_CHECK_MS = 50;

/**
 * Graceful closing for a node:http(s) server (the lean HTTP layer): attach
 * before it serves. `server.close()` alone would wait for every keep-alive
 * connection a load balancer holds open.
 */
export const createServerDrainer = (server: Server): ServerDrainer => {
  const open = new Set<Socket>();
  let draining = false;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  // Before the handler, so the header is set before it writes its head.
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (draining) response.setHeader('Connection', 'close');
  });

  return {
    drain: (deadline) =>
      new Promise((resolve) => {
        draining = true;
        let settled = false;
        const idleCheck = setInterval(() => server.closeIdleConnections(), DRAIN_IDLE_CHECK_MS);
        const finish = (cut: number) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearInterval(idleCheck);
          resolve({ cut });
        };
        const timer = setTimeout(
          () => {
            const cut = open.size;
            server.closeAllConnections();
            for (const socket of open) socket.destroy();
            finish(cut);
          },
          Math.max(0, deadline - Date.now()),
        );
        // Responses in flight whose head is not written yet say Connection: close too (Node keeps a
        // connection's current response on the socket, as `_httpMessage`).
        for (const socket of open) {
          const response = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
          if (response && !response.headersSent) response.setHeader('Connection', 'close');
        }
        // Stops listening (new connections are refused) and calls back once every connection has closed.
        server.close(() => finish(0));
        server.closeIdleConnections();
      }),
  };
};

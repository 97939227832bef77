import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { refusalResponse, screenRequest } from '@/lib/http/screen-request';
import { nonPageSecurityHeaders } from '@/lib/http/security-headers';

const PATCHED = Symbol.for('backchannel.refuseUnparseableMethods');

/** Set on a server that screens methods itself (the lean HTTP layer): the patch leaves it alone. */
export const SCREENS_OWN_METHODS = Symbol.for('backchannel.screensOwnMethods');

/** The screen's 405 for `method`, or null when the method is allowed. */
const methodRefusal = (method: string) => {
  const refusal = screenRequest({ method, target: '/', header: () => undefined });

  return refusal?.status === 405 ? refusalResponse(refusal) : null;
};

/** Answers a CONNECT (which has no request handler) with the screen's 405, then closes. */
export const refuseConnect = (socket: Duplex): void => {
  const refused = methodRefusal('CONNECT');
  if (!refused) return void socket.destroy();
  const headers = { ...refused.headers, 'Content-Length': String(Buffer.byteLength(refused.body)), Connection: 'close' };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 405 Method Not Allowed\r\n${head}\r\n${refused.body}`);
};

/**
 * Under plain `next start`, Next.js builds a WHATWG Request for proxy.ts, and
 * undici refuses TRACE there with a 500 before proxy.ts runs. This makes
 * every node:http server of the process answer a method outside
 * ALLOWED_METHODS with the screen's 405 before any listener sees it.
 * Idempotent; called from instrumentation.ts. Servers marked
 * SCREENS_OWN_METHODS (the lean HTTP layer) are left alone. (A CONNECT never
 * reaches `emit` on a server with no `connect` listener: Node closes it
 * unanswered; the lean HTTP layer answers it with refuseConnect.)
 */
export const refuseUnparseableMethods = (): void => {
  const prototype = Server.prototype as Server & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  // Called with each server as `this` (emit.apply below).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const emit = prototype.emit;
  prototype.emit = function (
    this: Server & { [SCREENS_OWN_METHODS]?: true },
    event: string | symbol,
    ...args: unknown[]
  ): boolean {
    if (this[SCREENS_OWN_METHODS]) return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
    if (event === 'request') {
      const [request, response] = args as [IncomingMessage, ServerResponse];
      const refused = methodRefusal(request.method ?? 'GET');
      if (refused) {
        response.writeHead(refused.status, {
          ...nonPageSecurityHeaders({ https: false }),
          ...refused.headers,
          'Content-Length': Buffer.byteLength(refused.body),
        });
        response.end(refused.body);

        return true;
      }
    }

    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof prototype.emit;
};

// The production HTTP server (`npm start`): the lean HTTP layer
// (lib/http/http-layer.ts) answers the protocol endpoints — discovery, JWKS,
// bc-authorize, token, userinfo — itself and hands every other path (approval
// pages, the console) to Next.js. The app/ route adapters call the same
// router, so `next dev` and `next start` behave identically, only slower.
// Background work (outbox, expiry sweeps) starts here, or through
// instrumentation.ts under plain `next start`; once per process either way.
import type { AddressInfo } from 'node:net';
import next from 'next';
import { startBackgroundWork, stopBackgroundWork } from '@/lib/background/background-work';
import { disconnectDb, getDb } from '@/lib/db/client';
import { releaseHeldPolls } from '@/lib/events/get-event-feed';
import { createServerDrainer } from '@/lib/http/drain-server';
import { createHttpLayer, type TlsFiles } from '@/lib/http/http-layer';
import { beginShutdown } from '@/lib/lifecycle/shutdown-state';
import { log } from '@/lib/log';
import { closeProtocolData } from '@/lib/store/get-protocol-store';

export type ServerOptions = {
  port: number;
  hostname: string;
  /** Serve HTTPS and ask for (but not require) client certificates, for mutual TLS. */
  tls?: TlsFiles;
};

/** Starts the server; resolves once it listens. */
export const startServer = async (options: ServerOptions) => {
  const app = next({ dev: false, dir: process.cwd(), hostname: options.hostname, port: options.port });
  // Prisma loads its query compiler at the first query (1–2 s on a busy machine): paid here,
  // before listening, rather than by the first readiness probe or console page.
  await Promise.all([app.prepare(), getDb().$queryRawUnsafe('SELECT 1')]);
  const server = createHttpLayer({ fallback: app.getRequestHandler(), tls: options.tls });
  const drainer = createServerDrainer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  startBackgroundWork();

  /**
   * Graceful shutdown, within `deadline` (ms since the epoch): /readyz turns
   * 503 and live streams end (their browsers reconnect elsewhere); held long
   * polls answer authorization_pending now (CIBA §10.1); the server stops
   * accepting connections and finishes the requests in flight while the
   * outbox worker finishes its deliveries — both cut at the deadline, the
   * unfinished deliveries' leases released to other instances — then the
   * pools and the LISTEN connection close.
   */
  const close = async ({ deadline = Number.POSITIVE_INFINITY }: { deadline?: number } = {}) => {
    beginShutdown();
    releaseHeldPolls();
    const [{ cut }] = await Promise.all([
      drainer.drain(deadline),
      stopBackgroundWork(Number.isFinite(deadline) ? { deadline } : {}),
    ]);
    if (cut > 0) log.warn({ cut }, 'shutdown deadline: connections still busy were closed');
    await closeProtocolData();
    await disconnectDb();
  };

  return { server, address: server.address() as AddressInfo, close };
};

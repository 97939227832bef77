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
import { disconnectDb } from '@/lib/db/client';
import { releaseHeldPolls } from '@/lib/events/get-event-feed';
import { createHttpLayer, type TlsFiles } from '@/lib/http/http-layer';
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
  await app.prepare();
  const server = createHttpLayer({ fallback: app.getRequestHandler(), tls: options.tls });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  startBackgroundWork();

  const close = async () => {
    // Held long polls answer authorization_pending now (CIBA §10.1), so closing does not wait for them.
    releaseHeldPolls();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stopBackgroundWork();
    await closeProtocolData();
    await disconnectDb();
  };

  return { server, address: server.address() as AddressInfo, close };
};

// The benchmark peer: node-oidc-provider (CIBA poll mode, SQLite adapter).
// env: PORT, HOST (127.0.0.1), PEER_DB (SQLite file), PEER_SYNCHRONOUS (FULL | NORMAL | ...),
// PEER_NOTIFY (outbox: an email-sized outbox write per request, like Backchannel's channel | none).
import { createPeerProvider } from './provider.mjs';

const port = Number(process.env.PORT);
const host = process.env.HOST || '127.0.0.1';
const provider = createPeerProvider({
  issuer: `http://localhost:${port}`,
  dbFile: process.env.PEER_DB,
  synchronous: process.env.PEER_SYNCHRONOUS || 'FULL',
  notify: process.env.PEER_NOTIFY || 'outbox',
});
provider.on('server_error', (_ctx, error) => console.error('server_error', error));

const server = provider.listen(port, host, () => {
  console.log(`[peer] listening on ${host}:${port} (sqlite ${process.env.PEER_DB}, synchronous=${process.env.PEER_SYNCHRONOUS})`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

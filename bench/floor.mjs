// The floor: a bare node:http server answering fixed JSON. env: PORT, HOST.
import { createServer } from 'node:http';

const body = Buffer.from(JSON.stringify({ error: 'authorization_pending' }));
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1', () => {
  console.log(`[floor] listening on ${process.env.PORT}`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

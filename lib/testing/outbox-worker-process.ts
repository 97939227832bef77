// A process that runs the real outbox worker against DATABASE_URL, as the
// server does, until it is killed: for crash tests (lib/outbox/outbox-crash.test.ts).
//   node --import tsx lib/testing/outbox-worker-process.ts <lease-ms>
import { createOutboxHandlers } from '@/lib/ciba/outbox-handlers';
import { getDb } from '@/lib/db/client';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import { getProtocolData } from '@/lib/store/get-protocol-store';

const leaseMs = Number(process.argv[2] ?? 60_000);
const { store } = getProtocolData();
const worker = createOutboxWorker({ store, handlers: createOutboxHandlers({ db: getDb(), store }), leaseMs });
process.stdout.write('ready\n');
for (;;) {
  await worker.drain();
  await new Promise((resolve) => setTimeout(resolve, 50));
}

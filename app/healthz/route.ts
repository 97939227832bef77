// GET /healthz — the process is alive. Under `npm start` the lean HTTP layer answers it before
// Next.js; this adapter serves plain `next start` the same way (lib/http/health-endpoints.ts).
import { serveHealthFetchRequest } from '@/lib/http/health-endpoints';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export { serveHealthFetchRequest as GET, serveHealthFetchRequest as HEAD };

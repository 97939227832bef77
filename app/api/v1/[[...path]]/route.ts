// /api/v1/** — the Management API (contract.md): thin adapter from Next.js to the framework-free router in lib/api.
import { serveApiFetchRequest } from '@/lib/api/fetch-adapter';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export {
  serveApiFetchRequest as GET,
  serveApiFetchRequest as POST,
  serveApiFetchRequest as PUT,
  serveApiFetchRequest as PATCH,
  serveApiFetchRequest as DELETE,
};

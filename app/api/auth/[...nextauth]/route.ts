// GET, POST /api/auth/* – Auth.js (the console's magic-link sign-in, session, sign-out); see lib/auth/auth-route-handlers.ts.
import { handlers } from '@/lib/auth/auth';
import { createAuthRouteHandlers } from '@/lib/auth/auth-route-handlers';

export const dynamic = 'force-dynamic';

export const { GET, POST } = createAuthRouteHandlers(handlers);

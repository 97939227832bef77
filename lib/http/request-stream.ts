import 'server-only';
import { AdminError } from '@/lib/admin/errors';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { watchRequests } from '@/lib/admin/watch-requests';
import { apiErrorResponse, isExpectedApiError } from '@/lib/api/api-errors';
import { apiJsonResponse, type ApiResponse } from '@/lib/api/api-http';
import { loadAdminPrincipal } from '@/lib/auth/load-admin-principal';
import { findSessionPrincipal } from '@/lib/auth/session-principal';
import { getDb } from '@/lib/db/client';
import { eventStreamResponse } from '@/lib/http/server-sent-events';
import { log } from '@/lib/log';

const toResponse = ({ status, headers, body }: ApiResponse) => new Response(body === '' ? null : body, { status, headers });

/**
 * The console's live stream of a tenant's requests (`GET
 * /admin/t/<slug>/requests/live[?request_id=…][&after=…]`), as server-sent
 * events: the signed-in admin's access is checked when it opens and every
 * 30 s after (a removed admin or membership ends it); it resumes after the
 * browser's `Last-Event-ID` (or `after`). Refusals use the Management API's
 * error bodies: 401 without a session, 403, 404, 400 `validation_failed`.
 */
export const serveRequestStream = async (request: Request, tenantSlug: string): Promise<Response> => {
  const principal = await findSessionPrincipal();
  if (!principal) return toResponse(apiJsonResponse(401, { error: 'unauthorized' }));
  const query = new URL(request.url).searchParams;
  const after = request.headers.get('last-event-id') ?? query.get('after') ?? undefined;
  const requestId = query.get('request_id') ?? undefined;
  const db = getDb();
  try {
    return await eventStreamResponse({
      signal: request.signal,
      subscribe: (send) =>
        watchRequests(db, principal, { tenantSlug, after: after || undefined, request_id: requestId }, (messages) =>
          send(messages.map((message) => ({ id: message.type === 'event' ? message.id : undefined, data: message }))),
        ),
      stillAllowed: async () => {
        const current = await loadAdminPrincipal(db, principal.id);
        if (!current) return false;
        await requireTenantAccess(db, current, tenantSlug);

        return true;
      },
    });
  } catch (error) {
    if (!isExpectedApiError(error)) log.error({ err: error }, 'live request stream failed');
    else if (!(error instanceof AdminError)) log.warn({ err: error }, 'live request stream refused');

    return toResponse(apiErrorResponse(error));
  }
};

import { MAX_API_BODY_BYTES } from '@/lib/api/api-http';
import { handleApiRequest } from '@/lib/api/handle-api-request';
import { collectBody } from '@/lib/http/collect-body';
import { resolveRequestId } from '@/lib/http/request-id';

/**
 * Serves a Management API request given as a web `Request` (what Next.js
 * route handlers receive): the body is read up to MAX_API_BODY_BYTES (a
 * longer one is refused whole), and the router's answer becomes a `Response`.
 */
export const serveApiFetchRequest = async (request: Request): Promise<Response> => {
  const receivedAt = new Date();
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const response = await handleApiRequest({
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: await collectBody(request.body, MAX_API_BODY_BYTES),
    receivedAt,
    requestId: resolveRequestId(headers['x-request-id']),
  });

  return new Response(response.body === '' ? null : response.body, { status: response.status, headers: response.headers });
};

import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_BASE_PATH, MAX_API_BODY_BYTES } from '@/lib/api/api-http';
import { handleApiRequest } from '@/lib/api/handle-api-request';
import { collectBody } from '@/lib/http/collect-body';
import { resolveRequestId } from '@/lib/http/request-id';

/** Whether a path belongs to the Management API (`/api/v1` and below). */
export const isApiPath = (path: string): boolean => path === API_BASE_PATH || path.startsWith(`${API_BASE_PATH}/`);

/**
 * Serves a Management API request straight from node:http (the lean HTTP
 * layer, tests), without Next.js: the same router as the Next route adapter.
 */
export const serveApiNodeRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
  const receivedAt = new Date();
  const url = new URL(request.url ?? '/', 'http://api.invalid');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const result = await handleApiRequest({
    method: request.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: await collectBody(request, MAX_API_BODY_BYTES),
    receivedAt,
    requestId: resolveRequestId(headers['x-request-id']),
  });
  response.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) });
  response.end(result.body);
};

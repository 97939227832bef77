import { invalidInput, isAdminError, type AdminFieldError } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { apiErrorResponse, isExpectedApiError, methodNotAllowed, routeNotFound, unauthorized } from '@/lib/api/api-errors';
import { API_BASE_PATH, apiJsonResponse, type ApiRequest, type ApiResponse } from '@/lib/api/api-http';
import { readJsonBody } from '@/lib/api/read-json-body';
import { API_METHODS, type ApiContext, type ApiRoute } from '@/lib/api/route';
import { authenticateApiKey } from '@/lib/auth/authenticate-api-key';
import { actorLabel, type Principal } from '@/lib/auth/principal';
import { getDb, type Db } from '@/lib/db/client';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import { log } from '@/lib/log';

type Segment = { literal: string } | { param: string };
type CompiledRoute = { route: ApiRoute; segments: Segment[] };
type RouteMatch = { route: ApiRoute; segments: Segment[]; params: Record<string, string> };

const PARAM_SEGMENT = /^\{([a-z_][a-z0-9_]*)\}$/;
const LITERAL_SEGMENT = /^[a-z0-9._-]+$/;

/** A pattern's segments; throws for a malformed pattern, so a bad route fails at start, not at request time. */
const compilePattern = (path: string): Segment[] => {
  if (!path.startsWith('/')) throw new Error(`API route path must start with "/": ${path}`);

  return path
    .slice(1)
    .split('/')
    .map((part) => {
      const param = PARAM_SEGMENT.exec(part);
      if (param) return { param: param[1] };
      if (LITERAL_SEGMENT.test(part)) return { literal: part };
      throw new Error(`Malformed API route path segment ${JSON.stringify(part)} in ${path}`);
    });
};

/** The route table; throws on a route registered twice or an unknown method. */
export const compileRoutes = (routes: readonly ApiRoute[]): CompiledRoute[] => {
  const seen = new Set<string>();

  return routes.map((route) => {
    if (!API_METHODS.includes(route.method)) throw new Error(`Unknown method ${route.method} for ${route.path}`);
    const segments = compilePattern(route.path);
    const shape = `${route.method} /${segments.map((segment) => ('param' in segment ? '{}' : segment.literal)).join('/')}`;
    if (seen.has(shape)) throw new Error(`API route registered twice: ${route.method} ${route.path}`);
    seen.add(shape);

    return { route, segments };
  });
};

/** Percent-decoded path segments under /api/v1; null for a path outside it or one that cannot be decoded. */
const segmentsOf = (path: string): string[] | null => {
  if (path !== API_BASE_PATH && !path.startsWith(`${API_BASE_PATH}/`)) return null;
  const rest = path.slice(API_BASE_PATH.length).replace(/^\/+|\/+$/g, '');
  try {
    const segments = rest === '' ? [] : rest.split('/').map(decodeURIComponent);
    // eslint-disable-next-line no-control-regex
    return segments.some((segment) => segment === '' || /[\u0000-\u001f\u007f]/.test(segment)) ? null : segments;
  } catch {
    return null;
  }
};

const matchRoute = (compiled: CompiledRoute, segments: readonly string[]): RouteMatch | null => {
  if (compiled.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of compiled.segments.entries()) {
    if ('param' in segment) params[segment.param] = segments[index];
    else if (segment.literal !== segments[index]) return null;
  }

  return { ...compiled, params };
};

/** Literal segments win over parameters, from the left: `/users/import` before `/users/{id}`. */
const bySpecificity = (a: RouteMatch, b: RouteMatch): number => {
  for (const [index, segment] of a.segments.entries()) {
    const other = b.segments[index];
    if ('literal' in segment !== 'literal' in other) return 'literal' in segment ? -1 : 1;
  }

  return 0;
};

/** The query string as one value per name; a name given twice is refused. */
const queryObjectOf = (query: URLSearchParams): Record<string, string> => {
  const values: Record<string, string> = {};
  const fields: AdminFieldError[] = [];
  for (const [name, value] of query) {
    if (name in values) fields.push({ path: name, message: 'must be given once' });
    else if (value.includes('\u0000')) fields.push({ path: name, message: 'must not contain NUL characters' });
    values[name] = value;
  }
  if (fields.length > 0) throw invalidInput(fields);

  return values;
};

export type ApiRouterOptions = {
  /** The database (default: the process-wide client, resolved per request). */
  getDb?: () => Db;
};

/**
 * The Management API, framework-free: an ApiRequest in, status + headers +
 * JSON out. For each request: the route (404 `not_found` for an unknown path,
 * 405 with Allow for a wrong method), the API key unless the route is public
 * (401 `unauthorized`), the query (`route.query`) and JSON body, then the
 * handler. Never throws: every failure is answered by apiErrorResponse (the
 * unexpected ones as 500 `server_error`, logged with their stack). Every
 * answer echoes the request's id as `X-Request-Id` and is logged (method,
 * path, status, actor, duration; never headers or bodies).
 *
 * @throws Error at creation for a malformed or duplicated route.
 */
export const createApiRouter = (routes: readonly ApiRoute[], options: ApiRouterOptions = {}) => {
  const table = compileRoutes(routes);
  const resolveDb = options.getDb ?? getDb;

  const respond = async (request: ApiRequest, db: Db, setPrincipal: (principal: Principal) => void): Promise<ApiResponse> => {
    const segments = segmentsOf(request.path);
    const matches = segments === null ? [] : table.flatMap((compiled) => matchRoute(compiled, segments) ?? []);
    if (matches.length === 0) throw routeNotFound();
    const match = matches.filter(({ route }) => route.method === request.method).sort(bySpecificity)[0];
    if (!match) throw methodNotAllowed([...new Set(matches.map(({ route }) => route.method))]);
    const { route, params } = match;

    let principal: Principal | null = null;
    if (!route.public) {
      principal = await authenticateApiKey(db, request.headers.authorization, request.receivedAt);
      if (!principal) throw unauthorized();
      setPrincipal(principal);
    }
    const query = route.query ? parseInputOrThrow(route.query, queryObjectOf(request.query)) : {};
    const body = route.body ? readJsonBody(request) : undefined;
    const context = { db, principal, params, query, body, request } as ApiContext;
    const result = await route.handler(context);

    return apiJsonResponse(result.status, result.body, result.headers);
  };

  return async (request: ApiRequest): Promise<ApiResponse> => {
    const started = performance.now();
    let actor: string | undefined;
    let response: ApiResponse;
    try {
      response = await respond(request, resolveDb(), (principal) => {
        actor = actorLabel(principal);
      });
    } catch (error) {
      const { requestId, method, path } = request;
      if (!isExpectedApiError(error))
        log.error({ requestId, method, path, actor, err: error }, 'unexpected error in the Management API');
      else if (isAdminError(error))
        log.debug({ requestId, method, path, actor, code: error.code, message: error.message }, 'API refusal');
      response = apiErrorResponse(error);
    }
    const { requestId, method, path } = request;
    log.info(
      { requestId, method, path, status: response.status, actor, ms: Math.round(performance.now() - started) },
      'management api request',
    );
    if (requestId !== undefined) response.headers[REQUEST_ID_HEADER] = requestId;

    return response;
  };
};

import type { z } from 'zod';
import type { ApiRequest } from '@/lib/api/api-http';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export const API_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type ApiMethod = (typeof API_METHODS)[number];

/** What a handler answers: a status, and a body to send as JSON (none for 204). */
export type ApiResult = { status: number; body?: unknown; headers?: Record<string, string> };

/** One documented response of a route (the standard error responses are added by the OpenAPI builder). */
export type ApiResponseSpec = { description: string; schema?: z.ZodType };

/** What a handler gets: the authenticated principal, the path parameters, the validated query, the parsed body. */
export type ApiContext<Query = Record<string, unknown>> = {
  db: Db;
  principal: Principal;
  /** Path parameters by name (`{slug}` → `params.slug`), percent-decoded. */
  params: Readonly<Record<string, string>>;
  /** The query string, validated with the route's `query` schema (empty object when it has none). */
  query: Query;
  /** The JSON body (undefined when the request has none); only for routes that declare `body`. */
  body: unknown;
  request: ApiRequest;
};

/** A route that needs no key (the OpenAPI document) gets everything but a principal. */
export type PublicApiContext = Omit<ApiContext, 'principal'>;

type RouteDocumentation = {
  method: ApiMethod;
  /** Under /api/v1, OpenAPI style: `/tenants/{slug}/clients/{client_id}`. */
  path: string;
  /** Unique, camelCase: `listTenants`. */
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** Documented responses by status (success, and any error specific to the route, e.g. 409). */
  responses: Readonly<Record<number, ApiResponseSpec>>;
};

/** A route as registered: documentation, input schemas and handler, types erased. */
export type ApiRoute = RouteDocumentation & {
  /** True for a route that needs no API key. */
  public: boolean;
  /** Query parameters (a zod object of optional string fields, transformed as the handler needs). */
  query?: z.ZodObject;
  /**
   * The JSON request body: its schema documents it, and the handler passes the
   * body to the domain function that validates it with that same schema.
   */
  body?: { schema: z.ZodType; description: string };
  handler: (context: ApiContext) => Promise<ApiResult>;
};

/**
 * Declares an authenticated route; `query`'s output types the handler's
 * `context.query`. Register the route by listing it in a route array of
 * lib/api/routes (see lib/api/routes/index.ts).
 */
export const defineRoute = <Query extends z.ZodObject = z.ZodObject<Record<string, never>>>(
  route: RouteDocumentation & {
    query?: Query;
    body?: { schema: z.ZodType; description: string };
    handler: (context: ApiContext<z.output<Query>>) => Promise<ApiResult>;
  },
): ApiRoute => ({ ...route, public: false, handler: route.handler as ApiRoute['handler'] });

/** Declares a route anyone may call, without an API key. */
export const definePublicRoute = (
  route: RouteDocumentation & { handler: (context: PublicApiContext) => Promise<ApiResult> },
): ApiRoute => ({ ...route, public: true, handler: route.handler });

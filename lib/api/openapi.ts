import { z } from 'zod';
import type { ApiRoute } from '@/lib/api/route';
import { ZErrorSchemas } from '@/lib/api/schemas';

type JsonObject = Record<string, unknown>;

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, JsonObject>>;
  components: {
    schemas: Record<string, JsonObject>;
    responses: Record<string, JsonObject>;
    securitySchemes: Record<string, JsonObject>;
  };
};

const SECURITY_SCHEME = 'apiKey';

const PATH_PARAMETER_DESCRIPTIONS: Record<string, string> = {
  slug: 'The tenant’s slug (its issuer is `<APP_URL>/t/<slug>`).',
  client_id: 'The client’s `client_id`.',
  id: 'The resource’s id.',
};

/** The standard error answers, by the condition that makes a route able to give them. */
const STANDARD_RESPONSES = {
  ValidationFailed: {
    status: 400,
    description: 'Invalid input: one entry per refused field.',
    schema: ZErrorSchemas.validation_failed,
  },
  Unauthorized: {
    status: 401,
    description: 'No API key, or a malformed, unknown or revoked one.',
    schema: ZErrorSchemas.unauthorized,
  },
  Forbidden: {
    status: 403,
    description: 'The key may not do this (another tenant, or an all-tenant operation).',
    schema: ZErrorSchemas.forbidden,
  },
  NotFound: { status: 404, description: 'No such resource.', schema: ZErrorSchemas.not_found },
  PayloadTooLarge: { status: 413, description: 'The body is larger than 1 MiB.', schema: ZErrorSchemas.payload_too_large },
  UnsupportedMediaType: {
    status: 415,
    description: 'The body is not `application/json`.',
    schema: ZErrorSchemas.unsupported_media_type,
  },
  ServerError: {
    status: 500,
    description: 'Something unexpected failed; nothing about it is disclosed.',
    schema: ZErrorSchemas.server_error,
  },
} as const;
type StandardResponse = keyof typeof STANDARD_RESPONSES;

const standardResponsesOf = (route: ApiRoute): StandardResponse[] => [
  ...(route.query || route.body ? (['ValidationFailed'] as const) : []),
  ...(route.public ? [] : (['Unauthorized', 'Forbidden'] as const)),
  ...(route.path.includes('{') ? (['NotFound'] as const) : []),
  ...(route.body ? (['PayloadTooLarge', 'UnsupportedMediaType'] as const) : []),
  'ServerError',
];

/** Rewrites every `$ref` into `#/$defs/…` (zod's local definitions) to the document's components. */
const rewriteRefs = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;

  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      key,
      key === '$ref' && typeof entry === 'string' ? entry.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(entry),
    ]),
  );
};

/**
 * Builds the OpenAPI 3.1 document of `routes`: one operation per route (its
 * path and query parameters, request body, responses and security), the
 * schemas converted from the very zod schemas the API validates with (JSON
 * Schema 2020-12, OpenAPI 3.1's dialect). A schema with a `title` becomes a
 * named component, referenced by `$ref`; the rest are inlined.
 *
 * @throws Error when two different schemas share a title (the document would be ambiguous).
 */
export const buildOpenApiDocument = (routes: readonly ApiRoute[], options: { serverUrl: string }): OpenApiDocument => {
  const schemas: Record<string, JsonObject> = {};
  const owners = new Map<string, z.ZodType>();

  const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonObject => {
    const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    for (const [name, definition] of Object.entries($defs ?? {})) schemas[name] = rewriteRefs(definition) as JsonObject;

    return rewriteRefs(json) as JsonObject;
  };

  const schemaRef = (schema: z.ZodType, io: 'input' | 'output'): JsonObject => {
    const json = toJsonSchema(schema, io);
    const title = z.globalRegistry.get(schema)?.title;
    if (!title) return json;
    const owner = owners.get(title);
    if (owner && owner !== schema) throw new Error(`Two OpenAPI schemas are titled ${title}`);
    owners.set(title, schema);
    schemas[title] = json;

    return { $ref: `#/components/schemas/${title}` };
  };

  const jsonContent = (schema: z.ZodType, io: 'input' | 'output') => ({ 'application/json': { schema: schemaRef(schema, io) } });

  const responses = Object.fromEntries(
    Object.entries(STANDARD_RESPONSES).map(([name, { description, schema }]) => [
      name,
      { description, content: jsonContent(schema, 'output') },
    ]),
  );

  const parametersOf = (route: ApiRoute): JsonObject[] => {
    const pathParameters = [...route.path.matchAll(/\{([a-z_]+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      description: PATH_PARAMETER_DESCRIPTIONS[name] ?? name,
      schema: { type: 'string' },
    }));
    if (!route.query) return pathParameters;
    const query = toJsonSchema(route.query, 'input') as { properties?: Record<string, JsonObject>; required?: string[] };
    const queryParameters = Object.entries(query.properties ?? {}).map(([name, { description, ...schema }]) => ({
      name,
      in: 'query',
      required: query.required?.includes(name) ?? false,
      ...(typeof description === 'string' ? { description } : {}),
      schema,
    }));

    return [...pathParameters, ...queryParameters];
  };

  const operationOf = (route: ApiRoute): JsonObject => ({
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    ...(route.public ? { security: [] } : {}),
    parameters: parametersOf(route),
    ...(route.body
      ? {
          requestBody: {
            required: route.method === 'POST',
            description: route.body.description,
            content: jsonContent(route.body.schema, 'input'),
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, spec]) => [
          status,
          { description: spec.description, ...(spec.schema ? { content: jsonContent(spec.schema, 'output') } : {}) },
        ]),
      ),
      ...Object.fromEntries(
        standardResponsesOf(route)
          .filter((name) => !(STANDARD_RESPONSES[name].status in route.responses))
          .map((name) => [STANDARD_RESPONSES[name].status, { $ref: `#/components/responses/${name}` }]),
      ),
    },
  });

  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Backchannel Management API',
      version: '1',
      description:
        'Configure tenants, clients, users, keys and requests of a Backchannel CIBA OpenID Provider. ' +
        'Authenticate with `Authorization: Bearer <api key>`; JSON in and out. Lists are paged: ' +
        '`?limit=` (1–200, default 50) and `?cursor=<next_cursor>`.',
    },
    servers: [{ url: options.serverUrl }],
    tags: [...new Set(routes.flatMap((route) => route.tags))].map((name) => ({ name })),
    security: [{ [SECURITY_SCHEME]: [] }],
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description: 'A Management API key (`bck_…`), created in the console or with `backchannel api-key create`.',
        },
      },
    },
  };
};

import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ZTenantUpdateSchema } from '@/lib/admin/update-tenant';
import { MANAGEMENT_API_ROUTES } from '@/lib/api/handle-api-request';
import { buildOpenApiDocument, type OpenApiDocument } from '@/lib/api/openapi';
import { defineRoute } from '@/lib/api/route';
import { startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { ZClientMetadataCreateSchema, ZClientMetadataUpdateSchema } from '@/lib/clients/client-metadata';
import { useTestDatabase } from '@/lib/testing/test-database';

let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let document: OpenApiDocument;

beforeAll(async () => {
  ({ cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
  ({ call, close } = await startTestApiServer());
  const reply = await call('GET', '/openapi.json');
  expect(reply.status).toBe(200);
  document = reply.json;
});

afterAll(async () => {
  await close();
  await cleanup();
});

type Operation = {
  operationId: string;
  summary: string;
  security?: unknown[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
};

const operations = (): [string, string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): [string, string, Operation] => [
      path,
      method,
      operation as unknown as Operation,
    ]),
  );

/** The value a local `$ref` (`#/a/b`) points at in the document, or undefined. */
const resolveRef = (ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      document,
    );

const refsIn = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];

  return Object.entries(value).flatMap(([key, entry]) => (key === '$ref' && typeof entry === 'string' ? [entry] : refsIn(entry)));
};

describe('GET /api/v1/openapi.json', () => {
  it('is served without a key and is a valid OpenAPI 3.1 document (official schema, every $ref resolved)', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.servers).toEqual([{ url: 'https://op.example.test/api/v1' }]);
  });

  it('lists every route of the router exactly once, and nothing else', () => {
    const documented = operations().map(([path, method]) => `${method.toUpperCase()} ${path}`);
    const routed = MANAGEMENT_API_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(documented.sort()).toEqual(routed.sort());
    expect(routed).toContain('GET /openapi.json');
    expect(routed).toEqual(
      expect.arrayContaining([
        'GET /tenants',
        'DELETE /tenants/{slug}',
        'POST /tenants/{slug}/clients/{client_id}/rotate-secret',
      ]),
    );
  });

  it('gives every operation a unique id, a summary, its path parameters, a success answer, and its security', () => {
    const ids = new Set<string>();
    for (const [path, method, operation] of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(operation.operationId), where).toBe(false);
      ids.add(operation.operationId);
      expect(operation.summary, where).toBeTruthy();
      const pathParameters = [...path.matchAll(/\{([a-z_]+)\}/g)].map(([, name]) => name);
      expect(
        operation.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        where,
      ).toEqual(pathParameters);
      expect(
        Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)),
        where,
      ).toBe(true);
      const isPublic = path === '/openapi.json';
      expect(operation.security, where).toEqual(isPublic ? [] : undefined);
      if (!isPublic) expect(Object.keys(operation.responses), where).toEqual(expect.arrayContaining(['401', '403', '500']));
      if (pathParameters.length > 0) expect(Object.keys(operation.responses), where).toContain('404');
    }
    expect(document.security).toEqual([{ apiKey: [] }]);
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('resolves every $ref', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^#\//);
      expect(resolveRef(ref), ref).toBeDefined();
    }
  });

  it('documents request bodies with the very schemas that validate them, and the list parameters', () => {
    const bodyOf = (path: string, method: string) => {
      const schema = (document.paths[path][method] as unknown as Operation).requestBody!.content['application/json'].schema as {
        $ref: string;
      };

      return resolveRef(schema.$ref);
    };
    const converted = (schema: z.ZodType) => {
      const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
        target: 'draft-2020-12',
        io: 'input',
        unrepresentable: 'any',
      });

      return json;
    };
    expect(bodyOf('/tenants/{slug}/clients', 'post')).toEqual(converted(ZClientMetadataCreateSchema));
    expect(bodyOf('/tenants/{slug}/clients/{client_id}', 'patch')).toEqual(converted(ZClientMetadataUpdateSchema));
    expect(bodyOf('/tenants/{slug}', 'patch')).toEqual(converted(ZTenantUpdateSchema));
    const list = document.paths['/tenants'].get as unknown as Operation;
    expect(list.parameters).toEqual([
      expect.objectContaining({
        name: 'limit',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 200 }),
      }),
      expect.objectContaining({
        name: 'cursor',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ type: 'string' }),
      }),
    ]);
  });

  it('refuses to build a document where two different schemas share a title', () => {
    const route = (path: string, schema: z.ZodType) =>
      defineRoute({
        method: 'GET',
        path,
        operationId: path.slice(1),
        summary: path,
        tags: [],
        responses: { 200: { description: 'x', schema } },
        handler: async () => ({ status: 200 }),
      });
    const routes = [
      route('/a', z.object({ a: z.string() }).meta({ title: 'Same' })),
      route('/b', z.object({ b: z.string() }).meta({ title: 'Same' })),
    ];
    expect(() => buildOpenApiDocument(routes, { serverUrl: 'https://x.test/api/v1' })).toThrow(
      /Two OpenAPI schemas are titled Same/,
    );
  });
});

// GET /api/v1/openapi.json — the OpenAPI 3.1 document of every route (contract.md, Management API)
import { z } from 'zod';
import { API_BASE_PATH } from '@/lib/api/api-http';
import { buildOpenApiDocument, type OpenApiDocument } from '@/lib/api/openapi';
import { definePublicRoute, type ApiRoute } from '@/lib/api/route';
import { getEnv } from '@/lib/env';

const ZOpenApiDocumentSchema = z.looseObject({ openapi: z.literal('3.1.0') }).meta({ title: 'OpenApiDocument' });

/**
 * The route serving the OpenAPI document of `routes()` (which include this
 * one), without a key. Built once per APP_URL.
 */
export const openApiDocumentRoute = (routes: () => readonly ApiRoute[]): ApiRoute => {
  let cached: { appUrl: string; document: OpenApiDocument } | undefined;

  return definePublicRoute({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This API’s OpenAPI 3.1 document',
    description: 'Needs no API key.',
    tags: ['Meta'],
    responses: { 200: { description: 'The OpenAPI document.', schema: ZOpenApiDocumentSchema } },
    handler: async () => {
      const { appUrl } = getEnv();
      if (cached?.appUrl !== appUrl) {
        cached = { appUrl, document: buildOpenApiDocument(routes(), { serverUrl: `${appUrl}${API_BASE_PATH}` }) };
      }

      return { status: 200, body: cached.document };
    },
  });
};

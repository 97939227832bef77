import { createApiRouter } from '@/lib/api/router';
import type { ApiRoute } from '@/lib/api/route';
import { API_ROUTES } from '@/lib/api/routes';
import { openApiDocumentRoute } from '@/lib/api/routes/openapi';

/** Every route the Management API serves: the resources' routes and the OpenAPI document of them all. */
export const MANAGEMENT_API_ROUTES: readonly ApiRoute[] = [...API_ROUTES, openApiDocumentRoute(() => MANAGEMENT_API_ROUTES)];

/** Serves one Management API request (lib/api/router.ts); never throws. */
export const handleApiRequest = createApiRouter(MANAGEMENT_API_ROUTES);

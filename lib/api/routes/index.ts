/**
 * Every route of the Management API, by resource. To add routes: write
 * `lib/api/routes/<resource>.ts` exporting `<RESOURCE>_ROUTES: readonly ApiRoute[]`
 * (each made with defineRoute, lib/api/route.ts) and list the array below.
 * The router serves them and the OpenAPI document lists them; nothing else
 * needs to change.
 */
import type { ApiRoute } from '@/lib/api/route';
import { API_KEY_ROUTES } from '@/lib/api/routes/api-keys';
import { AUTHENTICATOR_ROUTES } from '@/lib/api/routes/authenticators';
import { AUTHORIZATION_TYPE_ROUTES } from '@/lib/api/routes/authorization-types';
import { CLIENT_ROUTES } from '@/lib/api/routes/clients';
import { EVENT_ROUTES } from '@/lib/api/routes/events';
import { INITIAL_ACCESS_TOKEN_ROUTES } from '@/lib/api/routes/initial-access-tokens';
import { KEY_ROUTES } from '@/lib/api/routes/keys';
import { REQUEST_ROUTES } from '@/lib/api/routes/requests';
import { TENANT_ROUTES } from '@/lib/api/routes/tenants';
import { TRUSTED_ISSUER_ROUTES } from '@/lib/api/routes/trusted-issuers';
import { USER_ROUTES } from '@/lib/api/routes/users';

export const API_ROUTE_GROUPS: readonly (readonly ApiRoute[])[] = [
  TENANT_ROUTES,
  CLIENT_ROUTES,
  AUTHORIZATION_TYPE_ROUTES,
  API_KEY_ROUTES,
  INITIAL_ACCESS_TOKEN_ROUTES,
  USER_ROUTES,
  AUTHENTICATOR_ROUTES,
  REQUEST_ROUTES,
  EVENT_ROUTES,
  KEY_ROUTES,
  TRUSTED_ISSUER_ROUTES,
];

export const API_ROUTES: readonly ApiRoute[] = API_ROUTE_GROUPS.flat();

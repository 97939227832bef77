// /api/v1/tenants/{slug}/clients… — contract.md, Management API (client bodies use OpenID client metadata names)
import { z } from 'zod';
import { createClient } from '@/lib/admin/create-client';
import { deleteClient } from '@/lib/admin/delete-client';
import { getClient } from '@/lib/admin/get-client';
import { listClients } from '@/lib/admin/list-clients';
import { rotateClientSecret } from '@/lib/admin/rotate-client-secret';
import { updateClient } from '@/lib/admin/update-client';
import { API_BASE_PATH } from '@/lib/api/api-http';
import { pageOfList, pageSchema, ZPageQuerySchema } from '@/lib/api/pagination';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZClientSecretSchema, ZClientViewSchema, ZCreatedClientSchema } from '@/lib/api/schemas';
import { ZClientMetadataCreateSchema, ZClientMetadataUpdateSchema } from '@/lib/clients/client-metadata';

const TAGS = ['Clients'];

/** Clients are listed by (client_id_issued_at, client_id). */
const ZClientPositionSchema = z.tuple([z.int(), z.string()]);

export const CLIENT_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/clients',
    operationId: 'listClients',
    summary: 'List a tenant’s clients',
    description: 'Oldest first; never a secret.',
    tags: TAGS,
    query: ZPageQuerySchema,
    responses: { 200: { description: 'A page of clients.', schema: pageSchema(ZClientViewSchema, 'ClientPage') } },
    handler: async ({ db, principal, params, query }) => ({
      status: 200,
      body: pageOfList(await listClients(db, principal, { tenantSlug: params.slug }), {
        query,
        sortKeyOf: (client): [number, string] => [client.client_id_issued_at, client.client_id],
        keySchema: ZClientPositionSchema,
      }),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/clients',
    operationId: 'createClient',
    summary: 'Register a client',
    description: '`client_name` and any other setting (OpenID client metadata names); the rest take their defaults.',
    tags: TAGS,
    body: { schema: ZClientMetadataCreateSchema, description: 'The client’s metadata.' },
    responses: { 201: { description: 'The client with its `client_secret`, shown this once.', schema: ZCreatedClientSchema } },
    handler: async ({ db, principal, params, body }) => {
      const client = await createClient(db, principal, { tenantSlug: params.slug, metadata: body });

      return {
        status: 201,
        body: client,
        headers: { Location: `${API_BASE_PATH}/tenants/${params.slug}/clients/${client.client_id}` },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/clients/{client_id}',
    operationId: 'getClient',
    summary: 'Get a client',
    tags: TAGS,
    responses: { 200: { description: 'The client (never its secret).', schema: ZClientViewSchema } },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: await getClient(db, principal, { tenantSlug: params.slug, clientId: params.client_id }),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/tenants/{slug}/clients/{client_id}',
    operationId: 'updateClient',
    summary: 'Change a client’s settings',
    description: 'Any subset of the metadata; the others keep their value. Every server applies the change at its next request.',
    tags: TAGS,
    body: { schema: ZClientMetadataUpdateSchema, description: 'The settings to change.' },
    responses: { 200: { description: 'The client as changed.', schema: ZClientViewSchema } },
    handler: async ({ db, principal, params, body }) => ({
      status: 200,
      body: await updateClient(db, principal, { tenantSlug: params.slug, clientId: params.client_id, metadata: body ?? {} }),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tenants/{slug}/clients/{client_id}',
    operationId: 'deleteClient',
    summary: 'Delete a client',
    description:
      'Deletes the client and its requests. Idempotent: 204 whether or not the client existed (404 for an unknown tenant).',
    tags: TAGS,
    responses: { 204: { description: 'The client is gone.' } },
    handler: async ({ db, principal, params }) => {
      await deleteClient(db, principal, { tenantSlug: params.slug, clientId: params.client_id });

      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/clients/{client_id}/rotate-secret',
    operationId: 'rotateClientSecret',
    summary: 'Rotate a client’s secret',
    description: 'A new secret, shown this once; the old one stops working at once.',
    tags: TAGS,
    responses: { 200: { description: 'The new secret.', schema: ZClientSecretSchema } },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: await rotateClientSecret(db, principal, { tenantSlug: params.slug, clientId: params.client_id }),
    }),
  }),
];

import { getTenantOrThrow } from '@/lib/admin/get-tenant-or-throw';
import type { Db } from '@/lib/db/client';
import { grantTypesOf } from '@/lib/oauth/client-auth';

export type ListClientsOptions = { tenantSlug: string };

/** A client's metadata as listed: never its secret or secret hash. */
export type ClientSummary = {
  client_id: string;
  name: string;
  tenant: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  backchannel_token_delivery_mode: string;
  binding_message_policy: string;
  created_at: Date;
};

/**
 * The clients of one tenant, oldest first.
 *
 * @throws AdminError `not_found` for an unknown tenant.
 */
export const listClients = async (db: Db, options: ListClientsOptions): Promise<ClientSummary[]> => {
  const tenant = await getTenantOrThrow(db, options.tenantSlug);
  const clients = await db.client.findMany({
    where: { tenantId: tenant.id },
    select: {
      clientId: true,
      name: true,
      tokenEndpointAuthMethod: true,
      grantTypes: true,
      deliveryMode: true,
      bindingMessagePolicy: true,
      createdAt: true,
    },
    orderBy: [{ createdAt: 'asc' }, { clientId: 'asc' }],
  });

  return clients.map((client) => ({
    client_id: client.clientId,
    name: client.name,
    tenant: tenant.slug,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: grantTypesOf(client),
    backchannel_token_delivery_mode: client.deliveryMode,
    binding_message_policy: client.bindingMessagePolicy,
    created_at: client.createdAt,
  }));
};

import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { redeemCibaGrant } from '@/lib/ciba/redeem-ciba-grant';
import type { Db } from '@/lib/db/client';
import type { ProtocolData } from '@/lib/store/get-protocol-store';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '@/lib/http/protocol-http';
import { grantTypesOf, readAuthenticatedForm } from '@/lib/oauth/client-auth';
import { invalidRequest, unauthorizedClient, unsupportedGrantType } from '@/lib/oauth/errors';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/**
 * POST <issuer>/oauth/token — the token endpoint (RFC 6749 §3.2). Only the
 * CIBA grant exists (CIBA §10.1); push-mode clients may not use it (§11).
 */
export const exchangeToken = async (
  { db, store, settings }: { db: Db } & ProtocolData,
  options: { tenant: TenantRecord; request: ProtocolRequest },
): Promise<ProtocolResponse> => {
  const { tenant, request } = options;
  const { params, client } = await readAuthenticatedForm(settings.findClientByClientId, { tenantId: tenant.id, request });
  const grantType = params.get('grant_type');
  if (grantType === undefined) throw invalidRequest('The grant_type parameter is required.');
  if (grantType !== CIBA_GRANT_TYPE) throw unsupportedGrantType(grantType);
  if (!grantTypesOf(client).includes(CIBA_GRANT_TYPE)) {
    throw unauthorizedClient('This client is not allowed to use the CIBA grant.');
  }
  if (client.deliveryMode === 'push') {
    throw unauthorizedClient('Push-mode clients receive tokens at their notification endpoint, not here.');
  }
  const authReqId = params.get('auth_req_id');
  if (authReqId === undefined) throw invalidRequest('The auth_req_id parameter is required.');
  const tokens = await redeemCibaGrant({ db, store }, { tenant, client, authReqId, now: request.receivedAt });

  return jsonResponse(200, tokens, { noStore: true });
};

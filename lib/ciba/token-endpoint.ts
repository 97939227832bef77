import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { LongPollContext } from '@/lib/ciba/long-poll';
import { redeemCibaGrant, type PrefetchedPoll } from '@/lib/ciba/redeem-ciba-grant';
import { REFRESH_TOKEN_GRANT_TYPE } from '@/lib/clients/client-metadata';
import { hasCertificateBoundTokens } from '@/lib/clients/client-record';
import type { Db } from '@/lib/db/client';
import type { ProtocolData } from '@/lib/store/get-protocol-store';
import {
  jsonResponse,
  parseFormBody,
  type FormParams,
  type ProtocolRequest,
  type ProtocolResponse,
} from '@/lib/http/protocol-http';
import { grantTypesOf, readAuthenticatedForm, type InProcessClientAuthentication } from '@/lib/oauth/client-auth';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { invalidRequest, unauthorizedClient, unsupportedGrantType } from '@/lib/oauth/errors';
import { redeemRefreshToken } from '@/lib/oauth/refresh-token-grant';
import { certificateThumbprint, type CertificateConfirmation } from '@/lib/oauth/tokens';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/**
 * POST <issuer>/oauth/token — the token endpoint (RFC 6749 §3.2): the CIBA
 * grant (CIBA §10.1; push-mode clients may not use it, §11) and the
 * refresh_token grant (RFC 6749 §6, lib/oauth/refresh-token-grant.ts).
 * `inProcess` (the console's Try it, never an HTTP request) stands in for
 * client authentication; every rule of the grant is the same. `longPoll`:
 * where a poll of a client with long polling is held (CIBA §10.1); without
 * it, and for `inProcess`, no poll is held.
 */
export const exchangeToken = async (
  { db, store, settings, longPoll }: { db: Db; longPoll?: LongPollContext } & ProtocolData,
  options: {
    tenant: TenantRecord;
    request: ProtocolRequest;
    prefetchedPoll?: PrefetchedPoll;
    inProcess?: InProcessClientAuthentication;
  },
): Promise<ProtocolResponse> => {
  const { tenant, request } = options;
  const { params, client } = await readAuthenticatedForm(settings.findClientByClientId, {
    tenant,
    request,
    inProcess: options.inProcess,
  });
  const grantType = params.get('grant_type');
  if (grantType === undefined) throw invalidRequest('The grant_type parameter is required.');
  // RFC 8705 §3: a mutual-TLS client's access tokens are bound to the certificate it authenticated with.
  const cnf: CertificateConfirmation | null =
    hasCertificateBoundTokens(client) && request.clientCertificate
      ? { 'x5t#S256': certificateThumbprint(request.clientCertificate) }
      : null;
  if (grantType === REFRESH_TOKEN_GRANT_TYPE) {
    const tokens = await redeemRefreshToken({ db, store }, { tenant, client, params, cnf, now: request.receivedAt });

    return jsonResponse(200, tokens, { noStore: true });
  }
  if (grantType !== CIBA_GRANT_TYPE) throw unsupportedGrantType(grantType);
  if (!grantTypesOf(client).includes(CIBA_GRANT_TYPE)) {
    throw unauthorizedClient('This client is not allowed to use the CIBA grant.');
  }
  if (client.deliveryMode === 'push') {
    throw unauthorizedClient('Push-mode clients receive tokens at their notification endpoint, not here.');
  }
  const authReqId = params.get('auth_req_id');
  if (authReqId === undefined) throw invalidRequest('The auth_req_id parameter is required.');
  const tokens = await redeemCibaGrant(
    { db, store, longPoll: options.inProcess ? undefined : longPoll },
    { tenant, client, authReqId, cnf, now: request.receivedAt, prefetchedPoll: options.prefetchedPoll },
  );

  return jsonResponse(200, tokens, { noStore: true });
};

/**
 * The SHA-256 of the auth_req_id a CIBA token request names, read ahead of
 * the endpoint so that the settings epoch and the request row come in one
 * statement (SettingsCache.validateForPoll). Undefined for any other request,
 * or one whose body does not parse; the endpoint still validates the whole
 * request, authenticates the client, and decides.
 */
export const cibaPollHashOf = (request: ProtocolRequest): string | undefined => {
  let params: FormParams;
  try {
    params = parseFormBody(request);
  } catch {
    return undefined;
  }
  const authReqId = params.get('auth_req_id');

  return params.get('grant_type') === CIBA_GRANT_TYPE && authReqId !== undefined ? sha256Base64Url(authReqId) : undefined;
};

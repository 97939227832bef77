import { randomUUID } from 'node:crypto';
import { trackBackgroundTask } from '@/lib/background-tasks';
import { issueApprovalLinkToken } from '@/lib/ciba/approval-link';
import { checkBindingMessage } from '@/lib/ciba/check-binding-message';
import { AUTH_REQ_ID_BYTES, CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { dispatchSafely, queueApprovalEmail } from '@/lib/ciba/notify-user-by-email';
import { parseRequestedScope } from '@/lib/ciba/parse-scope';
import { resolveExpiresIn } from '@/lib/ciba/resolve-expires-in';
import { resolveHintedUser, selectExactlyOneHint } from '@/lib/ciba/resolve-hinted-user';
import { selectAcr } from '@/lib/ciba/select-acr';
import type { Db } from '@/lib/db/client';
import type { ProtocolData } from '@/lib/store/get-protocol-store';
import { jsonResponse, type FormParams, type ProtocolRequest, type ProtocolResponse } from '@/lib/http/protocol-http';
import { grantTypesOf, readAuthenticatedForm, type ClientRecord } from '@/lib/oauth/client-auth';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
import { invalidRequest, unauthorizedClient } from '@/lib/oauth/errors';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { issuerFor } from '@/lib/tenants/issuer';

/** Only clients with the CIBA grant may start a CIBA request (CIBA §4, §13 unauthorized_client). */
export const checkClientMayUseCiba = (client: ClientRecord): void => {
  if (!grantTypesOf(client).includes(CIBA_GRANT_TYPE)) {
    throw unauthorizedClient('This client is not allowed to use CIBA.');
  }
};

/**
 * Parameters we recognise but do not (yet) honour are refused rather than
 * silently ignored, so a client never believes it got what it asked for:
 * signed requests (CIBA §7.1.1) and rich authorization details (RFC 9396).
 */
export const rejectUnsupportedParameters = (params: FormParams): void => {
  if (params.has('request') || params.has('request_uri')) {
    throw invalidRequest('Signed authentication requests (request, request_uri) are not supported.');
  }
  if (params.has('authorization_details')) {
    throw invalidRequest('authorization_details is not supported.');
  }
};

export type BackchannelAuthenticationResponse = { auth_req_id: string; expires_in: number; interval: number };

/**
 * POST <issuer>/bc-authorize — the Backchannel Authentication Endpoint
 * (CIBA §7). Validates in the order of §7.2: client authentication, then the
 * parameters, then the hint. On success the request, its approval link and
 * the approval email's record are stored in one write, the email is sent
 * in the background (the client is not kept waiting for the provider), and the
 * client receives `auth_req_id`, `expires_in` and `interval` (§7.3).
 * Every failure is one of the §13 errors.
 */
export const startBackchannelAuthentication = async (
  { db, store, settings }: { db: Db } & ProtocolData,
  options: { tenant: TenantRecord; request: ProtocolRequest },
): Promise<ProtocolResponse> => {
  const { tenant, request } = options;
  const { params, client } = await readAuthenticatedForm(settings.findClientByClientId, { tenantId: tenant.id, request });
  checkClientMayUseCiba(client);
  rejectUnsupportedParameters(params);
  const scopes = parseRequestedScope(params.get('scope'));
  const hint = selectExactlyOneHint(params);
  const bindingMessage = checkBindingMessage(params.get('binding_message'), client);
  const expiresIn = resolveExpiresIn(params.get('requested_expiry'), client);
  const acrValues = params.get('acr_values') ?? null;
  const issuer = issuerFor(tenant.slug);
  const user = await resolveHintedUser({ db, store }, { tenantId: tenant.id, issuer, clientId: client.clientId, hint });

  const authReqId = randomToken(AUTH_REQ_ID_BYTES);
  const approval = issueApprovalLinkToken();
  const expiresAt = new Date(request.receivedAt.getTime() + expiresIn * 1000);
  const requestId = randomUUID();
  const scope = scopes.join(' ');
  const email = queueApprovalEmail(
    {
      tenant,
      client: { name: client.name },
      user: { email: user.email, name: user.name },
      request: { id: requestId, bindingMessage, scope, expiresAt },
      approvalToken: approval.token,
    },
    request.receivedAt,
  );
  await store.createRequest({
    id: requestId,
    tenantId: tenant.id,
    clientId: client.id,
    userId: user.id,
    authReqIdHash: sha256Base64Url(authReqId),
    scope,
    bindingMessage,
    acrValues,
    acr: selectAcr(acrValues ?? undefined),
    interval: client.pollInterval,
    expiresAt,
    createdAt: request.receivedAt,
    approvalLink: { id: randomUUID(), tokenHash: approval.tokenHash, channel: 'email' },
    notification: email.record,
  });
  trackBackgroundTask(dispatchSafely(store, email));
  const body: BackchannelAuthenticationResponse = {
    auth_req_id: authReqId,
    expires_in: expiresIn,
    interval: client.pollInterval,
  };

  return jsonResponse(200, body, { noStore: true });
};

import { admissionLimitsOf, readRefusal } from '@/lib/ciba/admission';
import { issueApprovalLinkToken } from '@/lib/ciba/approval-link';
import { checkBindingMessage } from '@/lib/ciba/check-binding-message';
import { checkUserCode } from '@/lib/ciba/check-user-code';
import { checkClientNotificationToken, sealCallbackSecret } from '@/lib/ciba/client-callback';
import { isCallbackDeliveryMode } from '@/lib/clients/client-metadata';
import { authorizationDetailsTypesOf, hasCertificateBoundTokens } from '@/lib/clients/client-record';
import { parseAuthorizationDetails } from '@/lib/oauth/authorization-details/parse-authorization-details';
import { AUTH_REQ_ID_BYTES, CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import {
  NOTIFICATION_CHANNEL_PARAMETER,
  parseNotificationChannel,
  planNotifications,
  queueNotifications,
} from '@/lib/ciba/notification-channels';
import { parseRequestedScope } from '@/lib/ciba/parse-scope';
import { recordStartFailure } from '@/lib/ciba/record-start-failure';
import { resolveExpiresIn } from '@/lib/ciba/resolve-expires-in';
import { resolveHintedUser, selectExactlyOneHint } from '@/lib/ciba/resolve-hinted-user';
import { selectAcr } from '@/lib/ciba/select-acr';
import { readAuthenticationRequest } from '@/lib/ciba/verify-request-object';
import { actorEventDetail, verifyActorToken } from '@/lib/ciba/verify-actor-token';
import { buildEvent } from '@/lib/events/build-event';
import type { AgentDetail, EventDetails } from '@/lib/events/event-types';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { wakeOutbox } from '@/lib/outbox/wake-outbox';
import { requestEventSubject, type ProtocolStore } from '@/lib/store/protocol-store';
import type { Db } from '@/lib/db/client';
import type { ProtocolData } from '@/lib/store/get-protocol-store';
import { jsonResponse, type FormParams, type ProtocolRequest, type ProtocolResponse } from '@/lib/http/protocol-http';
import {
  grantTypesOf,
  readAuthenticatedForm,
  type ClientRecord,
  type InProcessClientAuthentication,
} from '@/lib/oauth/client-auth';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
import { OAuthError, unauthorizedClient } from '@/lib/oauth/errors';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { issuerFor } from '@/lib/tenants/issuer';
import { certificateThumbprint } from '@/lib/oauth/tokens';

/** Only clients with the CIBA grant may start a CIBA request (CIBA §4, §13 unauthorized_client). */
export const checkClientMayUseCiba = (client: ClientRecord): void => {
  if (!grantTypesOf(client).includes(CIBA_GRANT_TYPE)) {
    throw unauthorizedClient('This client is not allowed to use CIBA.');
  }
};

/** CIBA §7.3; `interval` only for poll and ping clients (a push client never polls). */
export type BackchannelAuthenticationResponse = { auth_req_id: string; expires_in: number; interval?: number };

/**
 * POST <issuer>/bc-authorize — the Backchannel Authentication Endpoint
 * (CIBA §7). Validates in the order of §7.2: client authentication, then a
 * signed request object (§7.1.1, lib/ciba/verify-request-object.ts), then the
 * parameters, then the hint. On success the request, its approval link, the
 * outbox messages of the tenant's channel order (lib/ciba/notification-channels.ts:
 * a Web Push per subscribed device, the approval email at once or after the
 * fallback delay) and the `ciba_start_succeeded` event are stored in one
 * unit; the outbox worker sends them after the commit (the client is not
 * kept waiting for a provider), and the
 * client receives `auth_req_id`, `expires_in` and — unless it is a push
 * client, which never polls — `interval` (§7.3). A ping or push client must
 * send `client_notification_token` (§7.1); it is sealed with the auth_req_id
 * on the request, for the callback the decision queues (lib/ciba/client-callback.ts).
 * The tenant's abuse limits (lib/ciba/admission.ts) are checked and counted
 * with the write, after every validation: a refusal is 429 with Retry-After
 * and writes nothing but its event.
 * An `actor_token` (RFC 8693, lib/ciba/verify-actor-token.ts) names the
 * agent acting for the user: stored with the request, named on the approval
 * page, recorded on the events, counted against the tenant's per-agent limit,
 * and carried as `act` by the tokens. Without one nothing changes.
 * Every failure is one of the §13 errors; once the client is authenticated,
 * each refusal is also recorded as a `ciba_start_failed` event (none before:
 * an unauthenticated caller writes nothing).
 *
 * `inProcess` (the console's Try it, never an HTTP request) stands in for
 * §7.2 step 1: the client is the one an administrator's session vouches for,
 * and both events name that administrator as `started_by`. Every later step
 * is the same.
 */
export const startBackchannelAuthentication = async (
  { db, store, settings }: { db: Db } & ProtocolData,
  options: { tenant: TenantRecord; request: ProtocolRequest; inProcess?: InProcessClientAuthentication },
): Promise<ProtocolResponse> => {
  const { tenant, request, inProcess } = options;
  const { params, client } = await readAuthenticatedForm(settings.findClientByClientId, {
    tenant,
    request,
    store,
    inProcess,
  });
  // The client is known from here on: each refusal is recorded (ciba_start_failed) before it is answered.
  const hinted: HintedUser = { userId: null, agent: null };
  try {
    return await startForClient({ db, store, settings }, { tenant, request, params, client, hinted, inProcess });
  } catch (error) {
    if (error instanceof OAuthError) {
      await recordStartFailure(store, {
        tenantId: tenant.id,
        clientId: client.id,
        userId: hinted.userId,
        error,
        at: request.receivedAt,
        startedBy: inProcess?.vouchedBy,
        agent: hinted.agent,
      });
    }
    throw error;
  }
};

/**
 * The user the hint resolved to and the agent of a verified actor_token,
 * each noted as soon as known, for the record of a later refusal.
 */
type HintedUser = { userId: string | null; agent: AgentDetail | null };

/** An authenticated client's request: validated in the order of §7.2, then stored with its link, email and event. */
const startForClient = async (
  { db, store, settings }: { db: Db; store: ProtocolStore; settings: ProtocolData['settings'] },
  options: {
    tenant: TenantRecord;
    request: ProtocolRequest;
    params: FormParams;
    client: ClientRecord;
    hinted: HintedUser;
    inProcess: InProcessClientAuthentication | undefined;
  },
): Promise<ProtocolResponse> => {
  const { tenant, request, client } = options;
  checkClientMayUseCiba(client);
  const issuer = issuerFor(tenant.slug);
  // §7.2 step 2: a signed request (§7.1.1) is verified; its claims are the parameters from here on.
  const { params, authorizationDetails: authorizationDetailsInput } = await readAuthenticationRequest(store, {
    form: options.params,
    client,
    issuer,
    now: request.receivedAt,
  });
  const scopes = parseRequestedScope(params.get('scope'));
  // RFC 9396 §2 (CIBA §7.1 takes the authorization request's parameters): alongside the scope, never instead of openid.
  const authorizationDetails =
    authorizationDetailsInput !== undefined
      ? parseAuthorizationDetails(authorizationDetailsInput, {
          allowedTypes: authorizationDetailsTypesOf(client),
          types: await settings.findAuthorizationTypes(tenant.id),
        })
      : null;
  const hint = selectExactlyOneHint(params);
  const bindingMessage = checkBindingMessage(params.get('binding_message'), client);
  const mode = client.deliveryMode;
  const clientNotificationToken = isCallbackDeliveryMode(mode)
    ? checkClientNotificationToken(params.get('client_notification_token'))
    : null;
  const expiresIn = resolveExpiresIn(params.get('requested_expiry'), client);
  const acrValues = params.get('acr_values') ?? null;
  // Our extension (lib/ciba/notification-channels.ts): the client asks for one channel; it must be on.
  const requestedChannel = parseNotificationChannel(params.get(NOTIFICATION_CHANNEL_PARAMETER) ?? null, tenant);
  // actor_token (RFC 8693 §2.1): a parameter, checked with the others before the hint (CIBA §7.2 steps 3–4).
  const actor = await verifyActorToken((tenantId, iss) => store.findTrustedIssuer(tenantId, iss), {
    params,
    tenantId: tenant.id,
    audience: issuer,
    now: request.receivedAt,
  });
  const agent = actor ? actorEventDetail(actor) : null;
  options.hinted.agent = agent;
  const user = await resolveHintedUser({ db, store }, { tenantId: tenant.id, issuer, client, hint, now: request.receivedAt });
  options.hinted.userId = user.id;
  // CIBA §7.1.2: the hinted user's user_code, for clients registered for it (a no-op for the others).
  await checkUserCode(store, { client, userId: user.id, userCode: params.get('user_code'), now: request.receivedAt });
  // CIBA §7.1 acr_values for this user: the passkey level needs an enrolled device (read only if asked for).
  const acr = await selectAcr(acrValues, {
    hasAuthenticatorDevice: () => store.hasAuthenticatorDevice(tenant.id, user.id),
  });
  // The tenant's channel order: push first to the user's subscribed devices, the email after the fallback delay.
  const plan = await planNotifications((userId) => store.listPushDeviceIds(userId), {
    tenant,
    userId: user.id,
    requested: requestedChannel,
  });

  const authReqId = randomToken(AUTH_REQ_ID_BYTES);
  const approval = issueApprovalLinkToken();
  const now = request.receivedAt;
  const expiresAt = new Date(now.getTime() + expiresIn * 1000);
  const subject = { id: timeOrderedId(now), tenantId: tenant.id, clientId: client.id, userId: user.id };
  const linkId = timeOrderedId(now);
  const scope = scopes.join(' ');
  const started: EventDetails['ciba_start_succeeded'] = {
    scope,
    ...(authorizationDetails === null
      ? {}
      : { authorization_details_types: [...new Set(authorizationDetails.map((item) => item.type))] }),
    binding_message: bindingMessage,
    expires_in: expiresIn,
    channel: plan.pushDeviceIds.length > 0 ? 'push' : 'email',
    ...(plan.pushDeviceIds.length > 0
      ? { push_devices: plan.pushDeviceIds.length, email_after_seconds: plan.emailAfterSeconds }
      : {}),
  };
  if (options.inProcess !== undefined) started.started_by = options.inProcess.vouchedBy;
  if (agent) started.agent = agent;
  const limits = admissionLimitsOf(tenant);
  const outcome = await store.createRequest({
    ...subject,
    authReqIdHash: sha256Base64Url(authReqId),
    callbackSecret:
      isCallbackDeliveryMode(mode) && clientNotificationToken !== null
        ? sealCallbackSecret({ mode, clientNotificationToken, authReqId }, subject.id)
        : null,
    scope,
    bindingMessage,
    authorizationDetails: authorizationDetails === null ? null : JSON.stringify(authorizationDetails),
    acrValues,
    acr,
    interval: client.pollInterval,
    expiresAt,
    createdAt: now,
    actor,
    // RFC 8705 §3: pushed tokens come without a token request; bind them to this request's certificate.
    ...(mode === 'push' && hasCertificateBoundTokens(client) && request.clientCertificate
      ? { certificateThumbprint: certificateThumbprint(request.clientCertificate) }
      : {}),
    approvalLink: { id: linkId, tokenHash: approval.tokenHash, channel: 'email' },
    outbox: queueNotifications(plan, {
      tenantId: tenant.id,
      requestId: subject.id,
      clientId: client.id,
      userId: user.id,
      linkId,
      approvalToken: approval.token,
      now,
    }),
    events: [buildEvent('ciba_start_succeeded', requestEventSubject(subject), started, now)],
    admission: limits,
  });
  if (outcome !== 'admitted') {
    throw await readRefusal(store, { outcome, tenantId: tenant.id, userId: user.id, agent: actor, limits, now });
  }
  wakeOutbox();
  const body: BackchannelAuthenticationResponse = {
    auth_req_id: authReqId,
    expires_in: expiresIn,
    ...(mode === 'push' ? {} : { interval: client.pollInterval }),
  };

  return jsonResponse(200, body, { noStore: true });
};

import { startBackchannelAuthentication } from '@/lib/ciba/start-backchannel-authentication';
import { decideByTestHook, TEST_HOOK_PATHS } from '@/lib/ciba/test-hook';
import type { PrefetchedPoll } from '@/lib/ciba/redeem-ciba-grant';
import { cibaPollHashOf, exchangeToken } from '@/lib/ciba/token-endpoint';
import { getDb, type Db } from '@/lib/db/client';
import { getDecisionWaiters } from '@/lib/events/get-event-feed';
import { logProtocolError } from '@/lib/http/log-protocol-error';
import {
  jsonResponse,
  oauthErrorResponse,
  parseFormBody,
  type ProtocolRequest,
  type ProtocolResponse,
} from '@/lib/http/protocol-http';
import { REQUEST_ID_HEADER } from '@/lib/http/request-id';
import type { HttpEndpoint } from '@/lib/metrics/registry';
import { buildDiscoveryDocument } from '@/lib/oauth/discovery';
import { enabledNotificationChannels } from '@/lib/ciba/notification-channels';
import { introspectToken } from '@/lib/oauth/introspection';
import {
  deleteRegisteredClient,
  readRegisteredClient,
  replaceRegisteredClient,
} from '@/lib/oauth/registration/client-configuration';
import { registerClient } from '@/lib/oauth/registration/register-client';
import { revokeToken } from '@/lib/oauth/revocation';
import type { InProcessClientAuthentication } from '@/lib/oauth/client-auth';
import { methodNotAllowed, notFound, OAuthError } from '@/lib/oauth/errors';
import { getTenantKeys } from '@/lib/oauth/signing-keys';
import { getUserInfo, readBearerToken } from '@/lib/oauth/userinfo';
import { getProtocolData, type ProtocolData } from '@/lib/store/get-protocol-store';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

type EndpointContext = {
  db: Db;
  data: ProtocolData;
  tenant: TenantRecord;
  request: ProtocolRequest;
  /** For a CIBA token poll: the request it names, read with the settings epoch. */
  prefetchedPoll?: PrefetchedPoll;
  /**
   * The client an in-process caller vouches for (the console's Try it), in
   * place of the client authentication of bc-authorize and token. Set only by
   * handleInProcessProtocolRequest: the context is built here from named
   * values, never from anything a request carries, so no HTTP adapter can
   * produce it.
   */
  inProcess?: InProcessClientAuthentication;
  /** The last path segment of a parameterised endpoint (the client_id of `register/<client_id>`), percent-decoded. */
  pathParameter?: string;
};
type EndpointHandler = (context: EndpointContext) => Promise<ProtocolResponse>;

/** Public metadata: cacheable, readable cross-origin. */
const PUBLIC_METADATA_HEADERS = { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' };

const TOKEN_PATH = 'oauth/token';

/** Protocol endpoints under `<APP_URL>/t/<slug>/`, by path and method. */
const ENDPOINTS: Record<string, Partial<Record<string, EndpointHandler>>> = {
  '.well-known/openid-configuration': {
    GET: async ({ data, tenant }) =>
      jsonResponse(
        200,
        buildDiscoveryDocument(tenant.slug, [...(await data.settings.findAuthorizationTypes(tenant.id)).keys()], {
          dynamicRegistration: tenant.dynamicRegistration,
          notificationChannels: enabledNotificationChannels(tenant),
        }),
        {
          headers: PUBLIC_METADATA_HEADERS,
        },
      ),
  },
  '.well-known/jwks.json': {
    GET: async ({ db, tenant }) =>
      jsonResponse(200, (await getTenantKeys(db, tenant.id)).jwks, { headers: PUBLIC_METADATA_HEADERS }),
  },
  'bc-authorize': {
    POST: ({ db, data, tenant, request, inProcess }) =>
      startBackchannelAuthentication({ db, ...data }, { tenant, request, inProcess }),
  },
  [TOKEN_PATH]: {
    POST: ({ db, data, tenant, request, prefetchedPoll, inProcess }) =>
      exchangeToken(
        { db, ...data, longPoll: { waiters: getDecisionWaiters, signal: () => request.signal } },
        { tenant, request, prefetchedPoll, inProcess },
      ),
  },
  revoke: {
    POST: ({ db, data, tenant, request }) => revokeToken({ db, ...data }, { tenant, request }),
  },
  introspect: {
    POST: ({ db, data, tenant, request }) => introspectToken({ db, ...data }, { tenant, request }),
  },
  // The conformance hook (contract.md): 404 unless CIBA_TEST_HOOKS=true.
  [TEST_HOOK_PATHS.approve]: {
    POST: ({ data, tenant, request }) => decideByTestHook(data.store, { tenant, request, decision: 'approve' }),
  },
  [TEST_HOOK_PATHS.allow]: {
    POST: ({ data, tenant, request }) => decideByTestHook(data.store, { tenant, request, decision: 'approve' }),
  },
  [TEST_HOOK_PATHS.deny]: {
    POST: ({ data, tenant, request }) => decideByTestHook(data.store, { tenant, request, decision: 'deny' }),
  },
  // RFC 7591 §3: 404 unless the tenant's dynamic_registration is on.
  register: {
    POST: ({ db, tenant, request }) => registerClient(db, { tenant, request }),
  },
  userinfo: {
    GET: async ({ db, data, tenant, request }) => userInfoResponse({ db, store: data.store }, tenant, request, null),
    POST: async ({ db, data, tenant, request }) =>
      userInfoResponse({ db, store: data.store }, tenant, request, request.body.length > 0 ? parseFormBody(request) : null),
  },
};

/** Each endpoint's name in metrics (the `endpoint` label of lib/metrics/registry.ts): a closed set, never a path. */
const ENDPOINT_NAMES: Record<string, HttpEndpoint> = {
  '.well-known/openid-configuration': 'discovery',
  '.well-known/jwks.json': 'jwks',
  'bc-authorize': 'bc-authorize',
  [TOKEN_PATH]: 'token',
  revoke: 'revocation',
  introspect: 'introspection',
  [TEST_HOOK_PATHS.approve]: 'test-hook',
  [TEST_HOOK_PATHS.allow]: 'test-hook',
  [TEST_HOOK_PATHS.deny]: 'test-hook',
  register: 'registration',
  userinfo: 'userinfo',
};

/** `register/<client_id>`: a client's configuration endpoint (RFC 7592 §2), the client_id from the path. */
const CLIENT_CONFIGURATION_PATH = /^register\/([^/]+)$/;

const CLIENT_CONFIGURATION_ENDPOINT: Partial<Record<string, EndpointHandler>> = {
  GET: ({ db, tenant, request, pathParameter }) => readRegisteredClient(db, { tenant, request, clientId: pathParameter! }),
  PUT: ({ db, tenant, request, pathParameter }) => replaceRegisteredClient(db, { tenant, request, clientId: pathParameter! }),
  DELETE: ({ db, tenant, request, pathParameter }) => deleteRegisteredClient(db, { tenant, request, clientId: pathParameter! }),
};

/** The endpoint at a tenant-relative path, with its path parameter; undefined for none. */
const endpointAt = (
  subpath: string,
): { methods: Partial<Record<string, EndpointHandler>>; name: HttpEndpoint; pathParameter?: string } | undefined => {
  const methods = ENDPOINTS[subpath];
  if (methods) return { methods, name: ENDPOINT_NAMES[subpath] ?? 'other' };
  const configuration = CLIENT_CONFIGURATION_PATH.exec(subpath);
  if (!configuration) return undefined;
  try {
    return {
      methods: CLIENT_CONFIGURATION_ENDPOINT,
      name: 'client-configuration',
      pathParameter: decodeURIComponent(configuration[1]),
    };
  } catch {
    return undefined;
  }
};

const userInfoResponse = async (
  dependencies: Parameters<typeof getUserInfo>[0],
  tenant: TenantRecord,
  request: ProtocolRequest,
  form: ReturnType<typeof parseFormBody> | null,
) => {
  const token = readBearerToken(request.headers.authorization, form);

  return jsonResponse(
    200,
    await getUserInfo(dependencies, {
      tenant,
      token,
      now: request.receivedAt,
      clientCertificate: request.clientCertificate,
    }),
    { noStore: true },
  );
};

const TENANT_PATH = /^\/t\/([^/]+)\/(.+)$/;

/** The protocol endpoint at a path, by its metrics name; undefined when the path is none (the fast path serves these itself). */
export const protocolEndpointOf = (path: string): HttpEndpoint | undefined => {
  const match = TENANT_PATH.exec(path);

  return match === null ? undefined : endpointAt(match[2])?.name;
};

/** Whether a path is one of the protocol endpoints (the fast path serves these itself). */
export const isProtocolPath = (path: string): boolean => protocolEndpointOf(path) !== undefined;

/** The response with the request's id echoed, when it has one. */
const withRequestId = (response: ProtocolResponse, requestId: string | undefined): ProtocolResponse =>
  requestId === undefined ? response : { ...response, headers: { ...response.headers, [REQUEST_ID_HEADER]: requestId } };

/**
 * Serves one protocol request, whatever HTTP layer received it. Never throws:
 * every failure becomes the spec's OAuth JSON error (405 with Allow for a
 * wrong method, 404 for an unknown tenant or endpoint, 500 server_error for
 * the unexpected) and is logged with its private detail (lib/http/log-protocol-error.ts).
 * The request's id, when it has one, is echoed as `X-Request-Id`.
 *
 * This is the HTTP adapters' only entry: the request is all it takes, so its
 * client always authenticates with its registered method (CIBA §7.2 step 1).
 */
export const handleProtocolRequest = (request: ProtocolRequest): Promise<ProtocolResponse> => serve(request, undefined);

/**
 * Serves a protocol request made in-process on behalf of a client an
 * administrator's console session vouches for (Try it): the same endpoint
 * code, with `inProcess` in place of client authentication. Never called by
 * an HTTP adapter (lib/http/http-layer.ts, app/t/[tenant]/[...endpoint]/route.ts);
 * its only caller is lib/admin, after checking the administrator's access to
 * the tenant next to the data.
 */
export const handleInProcessProtocolRequest = (
  request: ProtocolRequest,
  inProcess: InProcessClientAuthentication,
): Promise<ProtocolResponse> => serve(request, inProcess);

const serve = async (
  request: ProtocolRequest,
  inProcess: InProcessClientAuthentication | undefined,
): Promise<ProtocolResponse> => {
  const match = TENANT_PATH.exec(request.path);
  try {
    const endpoint = match ? endpointAt(match[2]) : undefined;
    if (!match || !endpoint) throw notFound();
    const { methods, pathParameter } = endpoint;
    const handler = methods[request.method];
    if (!handler) throw methodNotAllowed(Object.keys(methods));
    const data = getProtocolData();
    // Every request starts by making the settings cache current. While it follows notifications
    // (PostgreSQL, lib/store/settings-invalidation.ts) that reads nothing; otherwise it reads the
    // epoch, and a CIBA token poll reads the request it names in the same statement.
    const pollHash =
      match[2] === TOKEN_PATH && request.method === 'POST' && !data.settings.followsNotifications()
        ? cibaPollHashOf(request)
        : undefined;
    let prefetchedPoll: PrefetchedPoll | undefined;
    if (pollHash === undefined) await data.settings.validate();
    else prefetchedPoll = { authReqIdHash: pollHash, request: await data.settings.validateForPoll(pollHash) };
    const tenant = TENANT_SLUG_PATTERN.test(match[1]) ? await data.settings.findTenantBySlug(match[1]) : null;
    if (!tenant) throw new OAuthError('invalid_request', 404, 'Unknown tenant.');

    return withRequestId(
      await handler({ db: getDb(), data, tenant, request, prefetchedPoll, inProcess, pathParameter }),
      request.requestId,
    );
  } catch (error) {
    const { requestId, method, path } = request;
    logProtocolError(error, { requestId, method, path, tenant: match?.[1] });

    return withRequestId(oauthErrorResponse(error), request.requestId);
  }
};

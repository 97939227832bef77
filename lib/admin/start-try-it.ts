import { z } from 'zod';
import { clientNotFound } from '@/lib/admin/client-not-found';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { tryItOAuthErrorOf, type TryItOAuthError } from '@/lib/admin/try-it-oauth-error';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import { eventActorOf, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { callProtocolEndpointInProcess } from '@/lib/http/call-protocol-endpoint-in-process';
import { CLIENT_METADATA_DEFAULTS } from '@/lib/clients/client-metadata';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';

/** The scope Try it asks for unless told otherwise. */
export const TRY_IT_DEFAULT_SCOPE = 'openid email';

/**
 * What Try it sends to bc-authorize (CIBA §7.1), on behalf of one of the
 * tenant's applications. Only the types are checked here: the values are the
 * protocol's to judge, so its errors (invalid_binding_message,
 * unknown_user_id, …) come back exactly as a client would get them.
 */
export const ZStartTryItSchema = z
  .strictObject({
    client_id: ZResourceIdSchema,
    /** The user: their email address or `sub`. */
    login_hint: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, { error: 'is required: pick a user' })
      .max(1000, { error: 'must be at most 1000 characters' }),
    binding_message: z.string({ error: 'must be text' }).max(1000, { error: 'must be at most 1000 characters' }).optional(),
    scope: z
      .string({ error: 'must be text' })
      .trim()
      .max(1000, { error: 'must be at most 1000 characters' })
      .optional()
      .transform((scope) => scope || TRY_IT_DEFAULT_SCOPE),
    /** Seconds; the application's bounds apply (CIBA §7.1 requested_expiry). */
    requested_expiry: z.int({ error: 'must be a whole number of seconds' }).positive({ error: 'must be positive' }).optional(),
  })
  .meta({ title: 'StartTryIt' });
export type TStartTryIt = z.input<typeof ZStartTryItSchema>;

export type StartTryItOptions = { tenantSlug: string } & TStartTryIt;

/**
 * A started Try it request: bc-authorize's answer (CIBA §7.3), the request's
 * id for the live request stream, and the id of its `ciba_start_succeeded`
 * event, from which the stream resumes so that nothing between the start and
 * the subscription is missed.
 */
export type TryItStarted = {
  ok: true;
  auth_req_id: string;
  expires_in: number;
  interval: number;
  request_id: string;
  resume_after: string | null;
};

/**
 * Try it, step one: starts a real CIBA request for one of the tenant's
 * applications through the bc-authorize endpoint, in-process, the
 * application vouched for by the principal (whose access to the tenant is
 * checked here) instead of its secret, which is stored only as a hash. Every
 * rule of the endpoint runs (grant, scope, binding message policy, hint,
 * expiry, interval); the `ciba_start_succeeded` event names the principal as
 * `started_by`. The auth_req_id is returned to the caller only: it is never
 * stored (its hash is, as for any client) or logged.
 *
 * @returns TryItStarted, or the endpoint's OAuth error (CIBA §13) as a value.
 * @throws AdminError `invalid_input` for malformed input; `not_found` for an unknown tenant or an application not in it; `forbidden` for a tenant out of reach.
 */
export const startTryIt = async (
  db: Db,
  principal: Principal,
  options: StartTryItOptions,
): Promise<TryItStarted | TryItOAuthError> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { client_id, login_hint, binding_message, scope, requested_expiry } = parseInputOrThrow(ZStartTryItSchema, input);
  const client = await db.client.findFirst({ where: { tenantId: tenant.id, clientId: client_id }, select: { id: true } });
  if (!client) throw clientNotFound(tenant.slug, client_id);

  const answer = await callProtocolEndpointInProcess({
    tenantSlug: tenant.slug,
    endpoint: 'bc-authorize',
    params: {
      scope,
      login_hint,
      ...(binding_message ? { binding_message } : {}),
      ...(requested_expiry === undefined ? {} : { requested_expiry: String(requested_expiry) }),
      // A ping or push application is called back at its notification endpoint with this token (CIBA §7.1); ignored for poll.
      client_notification_token: randomToken(24),
    },
    inProcess: { clientId: client_id, vouchedBy: eventActorOf(principal) },
  });
  if (answer.status !== 200) return tryItOAuthErrorOf(answer);
  // A push application's answer has no interval (it never polls): Try it still looks at the request every 5 s.
  const {
    auth_req_id,
    expires_in,
    interval = CLIENT_METADATA_DEFAULTS.backchannel_poll_interval,
  } = answer.body as {
    auth_req_id: string;
    expires_in: number;
    interval?: number;
  };
  const request = await db.backchannelRequest.findUniqueOrThrow({
    where: { authReqIdHash: sha256Base64Url(auth_req_id) },
    select: { id: true },
  });
  const started = await db.event.findFirst({
    where: { requestId: request.id, type: 'ciba_start_succeeded' },
    select: { id: true },
  });

  return { ok: true, auth_req_id, expires_in, interval, request_id: request.id, resume_after: started?.id ?? null };
};

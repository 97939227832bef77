import { z } from 'zod';
import { clientNotFound } from '@/lib/admin/client-not-found';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { tryItOAuthErrorOf, type TryItOAuthError } from '@/lib/admin/try-it-oauth-error';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import { eventActorOf, type Principal } from '@/lib/auth/principal';
import type { CibaTokenResponse } from '@/lib/ciba/redeem-ciba-grant';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import { callProtocolEndpointInProcess } from '@/lib/http/call-protocol-endpoint-in-process';

/** Which Try it request to poll: the application and the auth_req_id its start returned. */
export const ZPollTryItSchema = z
  .strictObject({
    client_id: ZResourceIdSchema,
    auth_req_id: z
      .string({ error: 'must be text' })
      .min(1, { error: 'is required' })
      .max(200, { error: 'is not an auth_req_id this server gives out' }),
  })
  .meta({ title: 'PollTryIt' });
export type TPollTryIt = z.input<typeof ZPollTryItSchema>;

export type PollTryItOptions = { tenantSlug: string } & TPollTryIt;

/** The token endpoint's answer for a Try it request (CIBA §10.1.1). */
export type TryItTokens = { ok: true; tokens: CibaTokenResponse };

/**
 * Try it, step two: one poll of the token endpoint with the CIBA grant
 * (CIBA §10.1), in-process, the application vouched for by the principal
 * (whose access to the tenant is checked here). Every rule of the grant runs:
 * authorization_pending and slow_down while the user has not decided,
 * access_denied, expired_token, invalid_grant, and tokens exactly once.
 *
 * @returns TryItTokens, or the endpoint's OAuth error (CIBA §11) as a value.
 * @throws AdminError `invalid_input` for malformed input; `not_found` for an unknown tenant or an application not in it; `forbidden` for a tenant out of reach.
 */
export const pollTryIt = async (
  db: Db,
  principal: Principal,
  options: PollTryItOptions,
): Promise<TryItTokens | TryItOAuthError> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { client_id, auth_req_id } = parseInputOrThrow(ZPollTryItSchema, input);
  const client = await db.client.findFirst({ where: { tenantId: tenant.id, clientId: client_id }, select: { id: true } });
  if (!client) throw clientNotFound(tenant.slug, client_id);

  const answer = await callProtocolEndpointInProcess({
    tenantSlug: tenant.slug,
    endpoint: 'oauth/token',
    params: { grant_type: CIBA_GRANT_TYPE, auth_req_id },
    inProcess: { clientId: client_id, vouchedBy: eventActorOf(principal) },
  });
  if (answer.status !== 200) return tryItOAuthErrorOf(answer);

  return { ok: true, tokens: answer.body as CibaTokenResponse };
};

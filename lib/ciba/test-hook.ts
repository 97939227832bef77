import { completeBackchannelRequest, type CompleteBackchannelRequestFailure } from '@/lib/ciba/complete-backchannel-request';
import { getBaseEnv } from '@/lib/env';
import { parseFormBody, type ProtocolRequest, type ProtocolResponse } from '@/lib/http/protocol-http';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { invalidRequest, notFound, OAuthError } from '@/lib/oauth/errors';
import type { ProtocolStore } from '@/lib/store/protocol-store';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/**
 * The test hook's paths under an issuer: `POST $ISSUER/test/ciba/approve` and
 * `…/deny` (contract.md), and `…/allow` for approve: the OIDF suite puts its
 * `{action}` (`allow` or `deny`) into one automated_ciba_approval_url, so
 * `$ISSUER/test/ciba/{action}?auth_req_id={auth_req_id}` reaches both.
 */
export const TEST_HOOK_PATHS = { approve: 'test/ciba/approve', allow: 'test/ciba/allow', deny: 'test/ciba/deny' } as const;

export type TestHookDecision = 'approve' | 'deny';

/** `auth_req_id` from the query string (the OIDF suite's automated_ciba_approval_url) or the form body. */
const readAuthReqId = (request: ProtocolRequest): string => {
  const fromQuery = new URLSearchParams(request.query ?? '').getAll('auth_req_id');
  const fromForm = request.body.length > 0 ? parseFormBody(request).get('auth_req_id') : undefined;
  const values = fromForm === undefined ? fromQuery : [...fromQuery, fromForm];
  if (values.length === 0 || values[0] === '') throw invalidRequest('auth_req_id is required.');
  if (new Set(values).size > 1) throw invalidRequest('auth_req_id was given more than once, with different values.');

  return values[0];
};

const REFUSALS: Record<CompleteBackchannelRequestFailure, string> = {
  not_found: 'No pending request of this tenant has this auth_req_id.',
  expired: 'The request has expired.',
  not_expired: 'The request has not expired.',
  already_decided: 'The request was already approved, denied, cancelled or redeemed.',
  link_used: 'The request was already answered.',
  passkey_required: 'The request asks for the passkey level (acr_values); only a passkey approval satisfies it.',
};

/**
 * POST `$ISSUER/test/ciba/approve|deny` — the conformance hook (contract.md;
 * the OpenID Foundation suite's `automated_ciba_approval_url`, ciba-spec.md §6).
 * Only with CIBA_TEST_HOOKS=true; otherwise 404 like any unknown path. Decides
 * the pending request named by `auth_req_id` (form body or query string)
 * through completeBackchannelRequest — the approval page's completion
 * function — with the test hook as the decider on its event (`by:
 * {kind: "test_hook"}`), so ping and push clients are notified as usual. 204
 * on success; an unknown auth_req_id, one of another tenant, an expired or an
 * already-decided request → 400 `invalid_grant` (RFC 6749 §5.2's code for an
 * invalid grant, as the token endpoint answers for the same auth_req_id);
 * a missing auth_req_id → 400 `invalid_request`.
 */
export const decideByTestHook = async (
  store: ProtocolStore,
  { tenant, request, decision }: { tenant: TenantRecord; request: ProtocolRequest; decision: TestHookDecision },
): Promise<ProtocolResponse> => {
  if (!getBaseEnv().cibaTestHooks) throw notFound();
  const authReqId = readAuthReqId(request);
  const unsafeRequest = await store.findRequestForPoll(sha256Base64Url(authReqId));
  if (!unsafeRequest || unsafeRequest.tenantId !== tenant.id) throw new OAuthError('invalid_grant', 400, REFUSALS.not_found);
  const result = await completeBackchannelRequest(store, {
    requestId: unsafeRequest.id,
    decision,
    actor: { kind: 'test_hook' },
    now: request.receivedAt,
  });
  if (!result.ok) throw new OAuthError('invalid_grant', 400, REFUSALS[result.reason]);

  return { status: 204, headers: { 'Cache-Control': 'no-store' }, body: '' };
};

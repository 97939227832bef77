import { describeApprovalItems, parseStoredAuthorizationDetails, type ApprovalItem } from '@/lib/ciba/approval-items';
import { buildEvent } from '@/lib/events/build-event';
import { toAuthorizationTypeSet } from '@/lib/oauth/authorization-details/authorization-type-record';
import type { AuthorizationDetail } from '@/lib/oauth/authorization-details/parse-authorization-details';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import type { ProtocolStore } from '@/lib/store/protocol-store';
import { isRequestExpired } from '@/lib/store/request-lifecycle';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

/** Plain-language descriptions of the scopes we support, for the email and the approval page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Confirm your identity',
  profile: 'Your name',
  email: 'Your email address',
  offline_access: 'Keep access while you are away (a refresh token)',
};

export type ScopeDescription = { scope: string; description: string };

/** The space-separated scope string as a list of `{ scope, description }`; unknown scopes are shown verbatim. */
export const describeScopes = (scope: string): ScopeDescription[] =>
  scope
    .split(' ')
    .filter((value) => value.length > 0)
    .map((value) => ({ scope: value, description: SCOPE_DESCRIPTIONS[value] ?? value }));

/**
 * The agent acting for the user (the request's verified actor_token), as the
 * approval page and the email name it: its display name (its `sub` when the
 * token gave none) and, when given, on whose behalf it acts.
 */
export type ApprovalAgent = { name: string; actingFor: string | null };

/** The agent of a request, or null for a request without an actor_token. */
export const agentOf = (row: {
  actorSub: string | null;
  actorName: string | null;
  actorFor: string | null;
}): ApprovalAgent | null => (row.actorSub === null ? null : { name: row.actorName ?? row.actorSub, actingFor: row.actorFor });

/** "Support Copilot, acting for Acme's support desk" (or the name alone). */
export const describeAgent = (agent: ApprovalAgent): string =>
  agent.actingFor === null ? agent.name : `${agent.name}, acting for ${agent.actingFor}`;

/** Approval tokens are base64url (43 characters for 32 bytes); anything else cannot match. */
const APPROVAL_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export type ApprovalPageLink = { id: string; tokenHash: string; createdAt: Date };
export type ApprovalPageRequest = {
  id: string;
  scope: string;
  bindingMessage: string | null;
  expiresAt: Date;
  createdAt: Date;
  /** The level selected at bc-authorize (ACR_PASSKEY: only a passkey approval satisfies it), or null. */
  acr: string | null;
  /** The authorization_details as stored (a JSON array), or null: part of a passkey decision's challenge. */
  storedAuthorizationDetails: string | null;
};

export type ApprovalLookup =
  | {
      state: 'valid';
      link: ApprovalPageLink;
      request: ApprovalPageRequest;
      client: { id: string; name: string };
      tenant: { id: string; slug: string; name: string };
      user: { id: string; email: string; name: string | null };
      /** The agent acting for the user (actor_token), null when the request named none. */
      agent: ApprovalAgent | null;
      /** Whole seconds until the request expires (> 0). */
      secondsLeft: number;
      scopes: ScopeDescription[];
      /** RFC 9396: the authorization_details requested, one per item (none: an empty list). */
      items: ApprovalItem[];
      /** The same items as requested (the JSON objects), for the grant. */
      authorizationDetails: AuthorizationDetail[];
      /** The passkey policy (Tenant/Client.requirePasskeyApproval; lib/ciba/passkey-step.ts). */
      passkeyPolicy: { tenant: boolean; client: boolean };
    }
  | { state: 'unknown' }
  | { state: 'used' }
  | { state: 'expired' }
  | { state: 'decided' };

/**
 * Resolves an approval link token for the approval page and its POST
 * handler. Pure read: it never changes state (email scanners GET links).
 *
 * Order of states: a link that was used → 'used'; a request decided by any
 * other means → 'decided'; a pending request past `expiresAt` → 'expired'.
 * A token for another tenant than the one in the URL is 'unknown', so a link
 * cannot be replayed under a different issuer's pages.
 */
export const findApprovalByToken = async (
  store: Pick<ProtocolStore, 'findApprovalByTokenHash' | 'listAuthorizationTypes'>,
  tenantSlug: string,
  token: string,
  now: Date,
): Promise<ApprovalLookup> => {
  if (!TENANT_SLUG_PATTERN.test(tenantSlug) || !APPROVAL_TOKEN_PATTERN.test(token)) return { state: 'unknown' };

  // Unsafe until the tenant in the URL is checked against the request's tenant.
  const tokenHash = sha256Base64Url(token);
  const unsafeApproval = await store.findApprovalByTokenHash(tokenHash);
  if (!unsafeApproval || unsafeApproval.tenantSlug !== tenantSlug) return { state: 'unknown' };
  const approval = unsafeApproval;

  if (approval.usedAt !== null) return { state: 'used' };
  if (approval.status !== 'pending') return { state: approval.status === 'expired' ? 'expired' : 'decided' };
  if (isRequestExpired(approval, now)) return { state: 'expired' };
  const authorizationDetails = parseStoredAuthorizationDetails(approval.authorizationDetails);
  const items =
    authorizationDetails.length === 0
      ? []
      : describeApprovalItems(
          authorizationDetails,
          toAuthorizationTypeSet(await store.listAuthorizationTypes(approval.tenantId)),
        );

  return {
    state: 'valid',
    link: { id: approval.linkId, tokenHash, createdAt: approval.linkCreatedAt },
    request: {
      id: approval.requestId,
      scope: approval.scope,
      bindingMessage: approval.bindingMessage,
      expiresAt: approval.expiresAt,
      createdAt: approval.createdAt,
      acr: approval.acr,
      storedAuthorizationDetails: approval.authorizationDetails,
    },
    client: { id: approval.clientId, name: approval.clientName },
    tenant: { id: approval.tenantId, slug: approval.tenantSlug, name: approval.tenantName },
    user: { id: approval.userId, email: approval.userEmail, name: approval.userName },
    agent: agentOf(approval),
    secondsLeft: Math.max(1, Math.floor((approval.expiresAt.getTime() - now.getTime()) / 1000)),
    scopes: describeScopes(approval.scope),
    items,
    authorizationDetails,
    passkeyPolicy: { tenant: approval.tenantRequiresPasskey, client: approval.clientRequiresPasskey },
  };
};

/**
 * Records that a valid approval link was opened (the page was shown). This
 * is the request's timeline only: the request, its link and its status are
 * untouched, so a mail scanner fetching the link decides nothing.
 */
export const recordLinkOpened = async (
  store: Pick<ProtocolStore, 'recordEvent'>,
  approval: Extract<ApprovalLookup, { state: 'valid' }>,
  now: Date,
): Promise<void> => {
  const subject = {
    tenantId: approval.tenant.id,
    requestId: approval.request.id,
    clientId: approval.client.id,
    userId: approval.user.id,
  };
  await store.recordEvent(buildEvent('ciba_link_opened', subject, { channel: 'email' }, now));
};

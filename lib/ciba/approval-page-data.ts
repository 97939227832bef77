import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

/** Plain-language descriptions of the scopes we support, for the email and the approval page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Confirm your identity',
  profile: 'Your name',
  email: 'Your email address',
};

export type ScopeDescription = { scope: string; description: string };

/** The space-separated scope string as a list of `{ scope, description }`; unknown scopes are shown verbatim. */
export const describeScopes = (scope: string): ScopeDescription[] =>
  scope
    .split(' ')
    .filter((value) => value.length > 0)
    .map((value) => ({ scope: value, description: SCOPE_DESCRIPTIONS[value] ?? value }));

/** Approval tokens are base64url (43 characters for 32 bytes); anything else cannot match. */
const APPROVAL_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export type ApprovalPageLink = { id: string; tokenHash: string; createdAt: Date };
export type ApprovalPageRequest = {
  id: string;
  scope: string;
  bindingMessage: string | null;
  expiresAt: Date;
  createdAt: Date;
};

export type ApprovalLookup =
  | {
      state: 'valid';
      link: ApprovalPageLink;
      request: ApprovalPageRequest;
      client: { name: string };
      tenant: { id: string; slug: string; name: string };
      user: { email: string; name: string | null };
      /** Whole seconds until the request expires (> 0). */
      secondsLeft: number;
      scopes: ScopeDescription[];
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
  db: Db,
  tenantSlug: string,
  token: string,
  now: Date,
): Promise<ApprovalLookup> => {
  if (!TENANT_SLUG_PATTERN.test(tenantSlug) || !APPROVAL_TOKEN_PATTERN.test(token)) return { state: 'unknown' };

  // Unsafe until the tenant in the URL is checked against the request's tenant.
  const unsafeLink = await db.approvalLink.findUnique({
    where: { tokenHash: sha256Base64Url(token) },
    select: {
      id: true,
      tokenHash: true,
      createdAt: true,
      usedAt: true,
      request: {
        select: {
          id: true,
          scope: true,
          bindingMessage: true,
          status: true,
          expiresAt: true,
          createdAt: true,
          tenant: { select: { id: true, slug: true, name: true } },
          client: { select: { name: true } },
          user: { select: { email: true, name: true } },
        },
      },
    },
  });
  if (!unsafeLink || unsafeLink.request.tenant.slug !== tenantSlug) return { state: 'unknown' };
  const { request: record, usedAt, ...link } = unsafeLink;

  if (usedAt !== null) return { state: 'used' };
  if (record.status !== 'pending') return { state: 'decided' };
  const millisecondsLeft = record.expiresAt.getTime() - now.getTime();
  if (millisecondsLeft <= 0) return { state: 'expired' };

  const { tenant, client, user, status: _status, ...request } = record;

  return {
    state: 'valid',
    link,
    request,
    client,
    tenant,
    user,
    secondsLeft: Math.max(1, Math.floor(millisecondsLeft / 1000)),
    scopes: describeScopes(request.scope),
  };
};

import { getEnv } from '@/lib/env';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';

/** Approval link tokens: 32 random bytes = 256 bits (well above the 128 bits an unguessable bearer link needs). */
export const APPROVAL_LINK_TOKEN_BYTES = 32;

export type ApprovalLinkToken = {
  /** The secret that goes into the link; never stored. */
  token: string;
  /** SHA-256 of the token, base64url: the only form stored (`ApprovalLink.tokenHash`). */
  tokenHash: string;
};

/**
 * A fresh single-use approval link token. It is distinct from `auth_req_id`
 * (the client never sees it) and only its hash is stored, so a database
 * read does not yield a usable link (CIBA §14: the authentication device
 * channel must not be forgeable by the client or by someone reading the DB).
 */
export const issueApprovalLinkToken = (): ApprovalLinkToken => {
  const token = randomToken(APPROVAL_LINK_TOKEN_BYTES);

  return { token, tokenHash: sha256Base64Url(token) };
};

/** The absolute approval page URL the user receives: `<APP_URL>/t/<slug>/approve/<token>`. */
export const approvalUrlFor = (tenantSlug: string, token: string): string =>
  `${getEnv().appUrl}/t/${encodeURIComponent(tenantSlug)}/approve/${encodeURIComponent(token)}`;

/**
 * The bearer tokens of dynamic client registration: the initial access token
 * an administrator issues (RFC 7591 §3) and the registration access token a
 * registered client manages itself with (RFC 7592 §1). Both are looked up by
 * their SHA-256 (an indexed equality on a hash: no timing signal about the
 * token), and every failure is one 401 invalid_token (RFC 6750 §3).
 */
import type { Db } from '@/lib/db/client';
import { initialAccessTokenStatus } from '@/lib/admin/initial-access-token-view';
import { invalidRegistrationToken } from '@/lib/oauth/errors';
import { sha256Base64Url } from '@/lib/oauth/crypto';

/** RFC 6750 §2.1 b64token. */
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;

/**
 * The token of an `Authorization: Bearer` header (RFC 6750 §2.1; the only
 * way registration accepts one).
 *
 * @throws OAuthError 401 invalid_token when there is none or it is malformed.
 */
export const readRegistrationBearer = (authorization: string | undefined): string => {
  if (authorization === undefined || authorization.trim() === '') {
    throw invalidRegistrationToken('no Authorization header', { missing: true });
  }
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) throw invalidRegistrationToken('not a Bearer token (RFC 6750 §2.1)');

  return token;
};

/** The initial access token a registration presented, as checked before its transaction. */
export type VerifiedInitialAccessToken = { id: string; name: string; limited: boolean };

/**
 * The tenant's initial access token with this value, if it can register a
 * client now (not revoked, unexpired, a use left).
 *
 * @throws OAuthError 401 invalid_token otherwise (the reason in `detail` only).
 */
export const verifyInitialAccessToken = async (
  db: Db,
  options: { tenantId: string; token: string; now: Date },
): Promise<VerifiedInitialAccessToken> => {
  const unsafeToken = await db.initialAccessToken.findUnique({
    where: { tokenHash: sha256Base64Url(options.token) },
    select: { id: true, tenantId: true, name: true, expiresAt: true, usesLeft: true, revokedAt: true },
  });
  if (!unsafeToken || unsafeToken.tenantId !== options.tenantId) throw invalidRegistrationToken('unknown initial access token');
  const status = initialAccessTokenStatus(unsafeToken, options.now);
  if (status !== 'active') throw invalidRegistrationToken(`initial access token ${unsafeToken.id} is ${status}`);

  return { id: unsafeToken.id, name: unsafeToken.name, limited: unsafeToken.usesLeft !== null };
};

/**
 * Takes one use of the token, in the registration's transaction, in one
 * conditional statement: of concurrent registrations with a token's last
 * use exactly one gets it (PostgreSQL re-checks the condition on the row
 * after a concurrent writer commits; SQLite runs one writer at a time). It
 * is re-checked for revocation and expiry in the same statement.
 *
 * @throws OAuthError 401 invalid_token when the token was used up, revoked or expired meanwhile.
 */
export const consumeInitialAccessToken = async (
  tx: Pick<Db, 'initialAccessToken'>,
  token: VerifiedInitialAccessToken,
  now: Date,
): Promise<void> => {
  const { count } = await tx.initialAccessToken.updateMany({
    where: {
      id: token.id,
      revokedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
      ...(token.limited ? { usesLeft: { gt: 0 } } : {}),
    },
    data: token.limited ? { usesLeft: { decrement: 1 } } : { usesLeft: null },
  });
  if (count === 0) throw invalidRegistrationToken(`initial access token ${token.id} was used up, revoked or expired meanwhile`);
};

/**
 * The client this registration access token belongs to, when it is the one
 * the configuration endpoint names and of this tenant. An admin-registered
 * client has no registration access token, so none reaches it.
 *
 * @throws OAuthError 401 invalid_token for a missing, unknown or mismatched token (RFC 7592 §2: never revealing whether the client exists).
 */
export const requireRegistrationAccess = async (
  db: Db,
  options: { tenantId: string; clientId: string; authorization: string | undefined },
): Promise<{ clientId: string; secretHash: string | null }> => {
  const token = readRegistrationBearer(options.authorization);
  const unsafeClient = await db.client.findUnique({
    where: { registrationAccessTokenHash: sha256Base64Url(token) },
    select: { clientId: true, tenantId: true, secretHash: true },
  });
  if (!unsafeClient || unsafeClient.tenantId !== options.tenantId || unsafeClient.clientId !== options.clientId) {
    throw invalidRegistrationToken('unknown registration access token, or one of another client');
  }

  return { clientId: unsafeClient.clientId, secretHash: unsafeClient.secretHash };
};

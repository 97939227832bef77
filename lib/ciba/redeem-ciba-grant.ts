import { grantAuthentication } from '@/lib/ciba/grant-authentication';
import { CIBA_GRANT_TYPE, POLL_SPACING_GRACE_MS, SLOW_DOWN_INCREMENT_SECONDS } from '@/lib/ciba/constants';
import { toClientRecord } from '@/lib/clients/client-record';
import type { Db } from '@/lib/db/client';
import { holdPendingPoll, type LongPollContext } from '@/lib/ciba/long-poll';
import type { PollRow, ProtocolStore } from '@/lib/store/protocol-store';
import { isPollWellSpaced, isRequestExpired } from '@/lib/store/request-lifecycle';
import { grantTypesOf, type ClientRecord } from '@/lib/oauth/client-auth';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { accessDenied, authorizationPending, expiredToken, invalidGrant, slowDown, unauthorizedClient } from '@/lib/oauth/errors';
import {
  actClaimOf,
  AUTH_REQ_ID_CLAIM,
  grantsRefreshToken,
  mintTokenResponse,
  parseGrantedAuthorizationDetails,
  type CertificateConfirmation,
  type TokenResponse,
} from '@/lib/oauth/tokens';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { issuerFor } from '@/lib/tenants/issuer';

/** The request a token poll names, read with the settings epoch before the client was authenticated. */
export type PrefetchedPoll = { authReqIdHash: string; request: PollRow | null };

export type CibaTokenResponse = TokenResponse & { id_token: string };

/**
 * Counts a poll of a pending request (CIBA §11); throws slow_down unless it
 * is well spaced. A poll sooner than the interval in force is slow_down: the interval grows by
 * 5 s for this and every later poll, recorded with its event. A well-spaced
 * poll is one conditional write on the poll time we read, so two overlapping
 * polls cannot both pass as well-spaced: overlapping polls are forbidden
 * (CIBA §10.1), so the one that loses is slow_down too, and recorded as such.
 * `counted`: the poll was already read and counted in one statement
 * (store.pollRequest, PostgreSQL): true, it passed; false, it lost — too
 * soon, or another poll came first — and is slow_down (a decision that came
 * first is answered by the caller from a fresh read instead).
 *
 * The interval runs from each poll's arrival ("the polling interval is
 * measured from the instant when a polling request is sent", CIBA §10.1),
 * held or not: a long poll held for at least the interval may be followed by
 * the next one at once, as RFC 6202 §2.2 has clients do.
 */
const countPendingPoll = async (store: ProtocolStore, pending: PollRow, now: Date, counted?: boolean): Promise<void> => {
  if (counted === true) return;
  if (
    counted === undefined &&
    isPollWellSpaced(pending, now, POLL_SPACING_GRACE_MS) &&
    (await store.recordPoll({ request: pending, previousPolledAt: pending.lastPolledAt, now }))
  )
    return;
  const interval = await store.recordSlowDown({ request: pending, now, increment: SLOW_DOWN_INCREMENT_SECONDS });
  throw slowDown(interval ?? pending.interval + SLOW_DOWN_INCREMENT_SECONDS);
};

/**
 * A redeemed auth_req_id presented again: refuse it and revoke the tokens it
 * produced, since either the client is confused or its identifier leaked.
 */
const refuseReplay = async (store: ProtocolStore, request: PollRow, now: Date): Promise<never> => {
  await store.refuseReplay({ request, now });
  throw invalidGrant('auth_req_id already redeemed; issued tokens revoked');
};

/**
 * Why the conditional update that redeems (store.redeemRequest) matched
 * nothing, from a fresh read: the request was redeemed meanwhile (a replay),
 * cancelled, or its user blocked (access_denied, CIBA §11: the OP refuses),
 * it or its client deleted (invalid_grant), the client's CIBA grant removed
 * (unauthorized_client), or it expired. The tokens minted are never sent.
 */
const explainRefusedRedemption = async (
  store: ProtocolStore,
  { client, authReqIdHash, now }: { client: ClientRecord; authReqIdHash: string; now: Date },
): Promise<never> => {
  const current = await store.findRequestForPoll(authReqIdHash);
  if (!current) throw invalidGrant('auth_req_id no longer exists (deleted with its client or user)');
  if (current.status === 'redeemed') return refuseReplay(store, current, now);
  if (current.status === 'cancelled' || current.status === 'denied' || current.userBlocked) throw accessDenied();
  const stored = await store.findClientByClientId(client.clientId);
  if (!stored) throw invalidGrant('the client was deleted');
  if (!grantTypesOf(toClientRecord(stored)).includes(CIBA_GRANT_TYPE)) {
    throw unauthorizedClient('This client is not allowed to use the CIBA grant.');
  }

  throw expiredToken();
};

type RedeemDependencies = {
  db: Db;
  store: ProtocolStore;
  /** Long polling, for a poll that arrived over HTTP; absent (in-process Try it): never held. */
  longPoll?: LongPollContext;
};

type RedeemOptions = {
  tenant: TenantRecord;
  client: ClientRecord;
  authReqId: string;
  /** RFC 8705 §3: the certificate the access token is bound to (a mutual-TLS client's), or none. */
  cnf?: CertificateConfirmation | null;
  now: Date;
  prefetchedPoll?: PrefetchedPoll;
};

/**
 * Issues the tokens of an approved request (CIBA §10.1.1): they are minted,
 * then the request moves approved → redeemed in one conditional update;
 * only the caller whose update wins gets them (null otherwise: they are never
 * sent). The one way tokens come out of a CIBA request — the token endpoint
 * (poll, ping) and the push callback (CIBA §10.3.1) both call it, so a
 * request is redeemed once, whichever asks. `seal` (push): the ID token
 * names the auth_req_id (CIBA §10.3.1) and the token response, sealed, is
 * stored in the push message in the same unit.
 */
export const issueTokensForApprovedRequest = async (
  { db, store }: { db: Db; store: ProtocolStore },
  options: {
    tenant: TenantRecord;
    client: ClientRecord;
    request: PollRow;
    now: Date;
    /** RFC 8705 §3: the certificate the access token is bound to, or none. */
    cnf?: CertificateConfirmation | null;
    seal?: { messageId: string; authReqId: string; envelope: (response: CibaTokenResponse) => string };
  },
): Promise<CibaTokenResponse | null> => {
  const { tenant, client, request, now, seal } = options;
  // The refresh token (offline_access granted, refresh_token grant registered) is stored in the
  // redemption's unit; without it, this path is as before: no extra read or write.
  const minted = await mintTokenResponse(db, {
    tenantId: tenant.id,
    issuer: issuerFor(tenant.slug),
    client,
    grant: {
      requestId: request.id,
      sub: request.userSub,
      authTime: request.decidedAt ?? now,
      ...grantAuthentication(request),
      actor: actClaimOf(request),
    },
    scope: request.scope,
    authorizationDetails: parseGrantedAuthorizationDetails(request.grantedAuthorizationDetails),
    refreshTokenScope: grantsRefreshToken(client, request.scope) ? request.scope : null,
    recordAccessTokenJti: false,
    // Pushed tokens (CIBA §10.3.1): the ID token names the auth_req_id, and rt_hash when a refresh token comes too.
    ...(seal ? { withRefreshTokenHash: true, extraIdTokenClaims: { [AUTH_REQ_ID_CLAIM]: seal.authReqId } } : {}),
    cnf: options.cnf ?? null,
    now,
  });
  const response = minted.response as CibaTokenResponse;
  const redeemed = await store.redeemRequest({
    request,
    now,
    accessTokenJti: minted.accessTokenJti,
    agent: request.actorIssuer !== null && request.actorSub !== null ? { iss: request.actorIssuer, sub: request.actorSub } : null,
    ...(minted.refreshToken ? { refreshToken: minted.refreshToken } : {}),
    ...(seal ? { outboxSecret: { messageId: seal.messageId, encryptedSecret: seal.envelope(response) } } : {}),
  });

  return redeemed ? response : null;
};

/**
 * The CIBA grant at the token endpoint (CIBA §10.1, §11) for an authenticated
 * client: `authorization_pending` / `slow_down` while the user has not
 * decided, `access_denied` after a denial or a cancellation or once the
 * user is blocked (even after approval), `expired_token`
 * after expiry (isRequestExpired), `invalid_grant` for an unknown, foreign or
 * already-redeemed auth_req_id.
 *
 * A client with long polling (`longPollTimeout` seconds, CIBA §10.1) has a
 * well-spaced poll of a pending request held until the user decides, the
 * request expires or the time is up (holdPendingPoll), then answered by the
 * same rules at that moment. Any other poll reads and writes exactly what it
 * did without long polling.
 *
 * Tokens are issued at most once (CIBA §10.1.1): they are minted, then the
 * request moves approved → redeemed in one conditional update; only the
 * caller whose update wins returns them. Minting before the update means a
 * crash can never leave a request redeemed without its tokens having been sent.
 */
export const redeemCibaGrant = async (
  { db, store, longPoll }: RedeemDependencies,
  options: RedeemOptions,
): Promise<CibaTokenResponse> => {
  const { client, now, prefetchedPoll } = options;
  const authReqIdHash = sha256Base64Url(options.authReqId);
  // Read ahead with the settings epoch (then counted below), or read and counted in one go: only
  // the client's own pending request is counted, so nothing here acts before the ownership check.
  const { request: unsafeRequest, counted } =
    prefetchedPoll?.authReqIdHash === authReqIdHash
      ? { request: prefetchedPoll.request, counted: undefined }
      : await store.pollRequest({ authReqIdHash, clientId: client.id, now, graceMs: POLL_SPACING_GRACE_MS });
  if (!unsafeRequest) throw invalidGrant('unknown auth_req_id');
  if (unsafeRequest.clientId !== client.id) throw invalidGrant('auth_req_id was issued to another client');
  const request = unsafeRequest;

  return answerPoll({ db, store }, { ...options, request, authReqIdHash }, async (pending) => {
    if (counted === false && isPollWellSpaced(pending, now, POLL_SPACING_GRACE_MS)) {
      // Read as pending and well spaced, yet not counted: the row changed under the statement — a
      // decision, or another poll. A decided request is answered as it now stands (tokens,
      // access_denied, ...); only a poll that lost to another poll is slow_down.
      const current = await store.findRequestForPoll(authReqIdHash);
      if (current && current.status !== 'pending') {
        return answerPoll({ db, store }, { ...options, request: current, authReqIdHash }, () => {
          throw authorizationPending();
        });
      }
    }
    await countPendingPoll(store, pending, now, counted);
    if (client.longPollTimeout === 0 || !longPoll) throw authorizationPending();
    const held = await holdPendingPoll(
      { store, longPoll },
      { request: pending, authReqIdHash, holdMs: client.longPollTimeout * 1000, receivedAt: now },
    );
    if (!held) throw authorizationPending();
    if (!held.request) throw invalidGrant('auth_req_id no longer exists (deleted with its client or user)');

    // Counted already: still pending after the hold is authorization_pending, whatever its spacing.
    return answerPoll({ db, store }, { ...options, request: held.request, authReqIdHash, now: held.now }, () => {
      throw authorizationPending();
    });
  });
};

/**
 * The answer for the request's state at `now`, once its client is known to
 * own it; a pending request is `onPending`'s to answer.
 */
const answerPoll = async (
  { db, store }: { db: Db; store: ProtocolStore },
  options: Omit<RedeemOptions, 'authReqId' | 'prefetchedPoll'> & { request: PollRow; authReqIdHash: string },
  onPending: (pending: PollRow) => Promise<CibaTokenResponse>,
): Promise<CibaTokenResponse> => {
  const { tenant, client, request, authReqIdHash, now } = options;
  if (request.status === 'redeemed') return refuseReplay(store, request, now);
  if (request.status === 'denied' || request.status === 'cancelled') throw accessDenied();
  if (isRequestExpired(request, now)) throw expiredToken();
  if (request.status === 'pending') return onPending(request);
  if (request.userBlocked) throw accessDenied();

  const tokens = await issueTokensForApprovedRequest({ db, store }, { tenant, client, request, now, cnf: options.cnf });
  if (!tokens) return explainRefusedRedemption(store, { client, authReqIdHash, now });

  return tokens;
};

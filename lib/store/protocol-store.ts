import { randomUUID } from 'node:crypto';
import { buildEvent } from '@/lib/events/build-event';
import { ringEventBell } from '@/lib/events/event-bell';
import type { AgentDetail, EventRecord } from '@/lib/events/event-types';
import type { ClientRow } from '@/lib/clients/client-record';
import type { AuthorizationTypeRow } from '@/lib/oauth/authorization-details/authorization-type-record';
import { minTimeOrderedId } from '@/lib/ids/time-ordered-id';
import * as q from '@/lib/store/queries';
import * as uc from '@/lib/store/user-code-queries';
import type { SqlEngine, SqlExecutor } from '@/lib/store/sql/sql-engine';
import type { PoolUsage } from '@/lib/metrics/registry';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { isPollWellSpaced, isRequestExpired, UNFINISHED_STATUSES } from '@/lib/store/request-lifecycle';

export type TenantRow = TenantRecord;
export type UserRow = q.UserColumns;
export type UserCodeRow = uc.UserCodeColumns;
export type UserCodeLinkRow = uc.UserCodeLinkView;
export type PollRow = q.PollColumns;
export type ApprovalRow = q.ApprovalColumns;
export type GrantRow = q.GrantColumns;
export type AuthenticatorCredentialRow = { credentialId: string; transports: string | null };
export type RefreshTokenRow = q.RefreshTokenColumns;
export type NewRefreshToken = q.RefreshTokenInsert;
export type ClaimedOutboxMessage = q.ClaimedColumns;

/** What a used JWT id was: a client assertion (RFC 7523 §3) or a signed authentication request (CIBA §7.1.1). */
export type JwtIdPurpose = 'client_assertion' | 'request_object';

/** A request's identity and who it concerns: what events about it name. */
export type RequestSubject = { id: string; tenantId: string; clientId: string; userId: string };

export type NewOutboxMessage = {
  id: string;
  tenantId: string;
  requestId: string | null;
  type: string;
  payload: string;
  encryptedSecret: string | null;
  availableAt: Date;
  createdAt: Date;
};

export type NewBackchannelRequest = RequestSubject & {
  authReqIdHash: string;
  /** Ping and push requests: sealed (lib/ciba/client-callback.ts); none for poll. */
  callbackSecret?: string | null;
  scope: string;
  bindingMessage: string | null;
  /** RFC 9396: the authorization_details requested, as a JSON array (validated), or null. */
  authorizationDetails?: string | null;
  acrValues: string | null;
  acr: string | null;
  interval: number;
  expiresAt: Date;
  createdAt: Date;
  /** The agent acting for the user (a verified actor_token, lib/ciba/verify-actor-token.ts); absent: none. */
  actor?: { issuer: string; sub: string; name: string | null; actingFor: string | null } | null;
  /** RFC 8705 §3: a push-mode mutual-TLS client's certificate thumbprint (x5t#S256), its pushed tokens' binding; absent: none. */
  certificateThumbprint?: string | null;
  approvalLink: { id: string; tokenHash: string; channel: string };
  /** Written in the same unit as the request. */
  outbox: NewOutboxMessage[];
  events: EventRecord[];
  /**
   * bc-authorize's abuse limits (lib/ciba/admission.ts), checked and counted
   * before anything is written; absent: none (tests that seed requests).
   */
  admission?: AdmissionLimits;
};

/**
 * The limits an admission checks, each 0 for none; `windowMs`: the length of
 * the fixed windows. `agentLimit` applies to requests with an actor only.
 */
export type AdmissionLimits = {
  userLimit: number;
  agentLimit: number;
  tenantLimit: number;
  maxOutstanding: number;
  windowMs: number;
};

/** What createRequest did: wrote the request, or nothing because a limit refused it. */
export type AdmissionOutcome = 'admitted' | 'user_limit' | 'agent_limit' | 'tenant_limit';

/** An agent as its admission counter names it (within a tenant). */
export type AgentKey = { issuer: string; sub: string };

/** What a refusal's reason and Retry-After are worked out from (null: no row yet). */
export type AdmissionState = {
  userWindow: { windowStart: Date; windowCount: number } | null;
  /** The agent's window (a request with an actor only). */
  agentWindow: { windowStart: Date; windowCount: number } | null;
  tenantUsage: { windowStart: Date; windowCount: number; admitted: number } | null;
  /** The earliest expiry of the tenant's unfinished requests, null when it has none. */
  earliestExpiry: Date | null;
};

/** Rows TenantRelease spreads a tenant's releases over. */
export const RELEASE_SHARDS = 16;

const releaseShard = () => Math.floor(Math.random() * RELEASE_SHARDS);

export type RequestDecision = 'approve' | 'deny' | 'cancel' | 'expire';

/** A request a decision matched: its subject, expiry and sealed callback secret (ping/push). */
export type DecidedRequest = RequestSubject & {
  expiresAt: Date;
  callbackSecret: string | null;
  /** The agent acting for the user (actor_token), for the decision's event; null without one. */
  actorIssuer: string | null;
  actorSub: string | null;
  actorName: string | null;
};

/** What a completion writes besides the status, built from the request it matched. */
export type CompletionEffects = { events: EventRecord[]; outbox: NewOutboxMessage[] };

export type ClaimOptions = { owner: string; now: Date; leaseMs: number; limit: number };

/**
 * One delivered (or failed) attempt, to be recorded. `revokeRequestTokens`:
 * the message's request's tokens are revoked in the same unit (a push that
 * finally failed). `removePushSubscription`: the device's Web Push
 * subscription is removed in the same unit, if it is still this endpoint's
 * (its push service answered 404/410, RFC 8030 §7.3).
 */
export type OutboxOutcome = {
  message: ClaimedOutboxMessage;
  settlement: OutboxSettlement;
  events: EventRecord[];
  revokeRequestTokens?: boolean;
  removePushSubscription?: PushSubscriptionRef | null;
};

/** A device's Web Push subscription, as one delivery pushed to it. */
export type PushSubscriptionRef = { deviceId: string; endpoint: string };

export type OutboxSettlement =
  /** `keepSecret`: the development outbox keeps the (still sealed) secret for the console's viewer. */
  | { kind: 'delivered'; providerMessageId: string; keepSecret?: boolean }
  /** `encryptedSecret`: the secret to keep for the retry, when the attempt changed it (default: the one claimed). */
  | { kind: 'retry'; error: string; availableAt: Date; encryptedSecret?: string }
  | { kind: 'failed'; error: string };

/** The subject of an event about a request. */
export const requestEventSubject = (request: RequestSubject) => ({
  tenantId: request.tenantId,
  requestId: request.id,
  clientId: request.clientId,
  userId: request.userId,
});

/** The most events one pruning statement deletes. */
export const EVENT_PRUNE_BATCH_LIMIT = 1000;

/** Thrown inside a unit to roll it back when a conditional update matched nothing. */
class NothingMatched extends Error {}

/** Thrown inside bc-authorize's unit (SQLite) to roll back an admission a limit refused. */
class AdmissionRefused extends Error {
  constructor(readonly outcome: Exclude<AdmissionOutcome, 'admitted'>) {
    super(outcome);
  }
}

const admissionParams = (request: NewBackchannelRequest, limits: AdmissionLimits): q.AdmissionParams => ({
  tenantId: request.tenantId,
  userId: request.userId,
  agentIssuer: request.actor?.issuer ?? null,
  agentSub: request.actor?.sub ?? null,
  agentLimit: limits.agentLimit,
  now: request.createdAt,
  windowFloor: new Date(request.createdAt.getTime() - limits.windowMs),
  userLimit: limits.userLimit,
  tenantLimit: limits.tenantLimit,
  maxOutstanding: limits.maxOutstanding,
});

/**
 * updatePoll, committed without waiting for the disk (SqlEngine.executeReturningAsyncCommit):
 * a poll's time and count lost in a crash let one later poll pass as well
 * spaced, nothing more. True when it matched (the poll time was still the one read).
 */
const countPoll = async (engine: SqlEngine, params: { id: string; previousPolledAt: Date | null; now: Date }) =>
  (await engine.executeReturningAsyncCommit(q.updatePoll, params)).length === 1;

/** Counts one finished (or deleted unfinished) request of the tenant, inside the unit that finished it. */
const release = (tx: SqlExecutor, tenantId: string) => tx.run(q.upsertRelease, { tenantId, shard: releaseShard(), count: 1 });

/**
 * The one contract for every read and write of requests, approval links,
 * outbox messages and events, for both databases: each statement is defined
 * once (queries.ts) and each operation below is one atomic unit. Tenants,
 * clients and users are read here for the protocol's hot paths; Prisma
 * serves the admin side.
 */
export type ProtocolStore = {
  readonly dialect: SqlEngine['dialect'];
  readSettingsEpoch(): Promise<number>;
  /** The settings epoch and the request a token poll names (null if none), read in one statement. */
  readSettingsEpochAndPoll(authReqIdHash: string): Promise<{ epoch: number; request: PollRow | null }>;
  findTenantBySlug(slug: string): Promise<TenantRow | null>;
  findClientByClientId(clientId: string): Promise<ClientRow | null>;
  findUserBySub(tenantId: string, sub: string): Promise<UserRow | null>;
  findUserByEmail(tenantId: string, email: string): Promise<UserRow | null>;
  /** The ids of a user's devices with a Web Push subscription (bc-authorize, push channel on), oldest first. */
  listPushDeviceIds(userId: string): Promise<string[]>;
  /** A tenant's authorization-details types (RFC 9396), as stored. */
  listAuthorizationTypes(tenantId: string): Promise<AuthorizationTypeRow[]>;

  /**
   * bc-authorize: admits the request under its limits (counted in the
   * database, so they hold across instances), then writes the request, its
   * approval link, its outbox messages and events atomically. A refused
   * request writes none of them. On SQLite the admission is part of the
   * same unit; on PostgreSQL it is one statement just before, committed
   * asynchronously (SqlEngine.executeReturningAsyncCommit), and undone by a
   * release if the insert fails.
   */
  createRequest(request: NewBackchannelRequest): Promise<AdmissionOutcome>;
  /** The counters behind a refusal (its Retry-After), read after it. */
  readAdmissionState(options: { tenantId: string; userId: string; agent?: AgentKey | null }): Promise<AdmissionState>;
  /** A tenant's trusted issuer by its `iss` (actor_token), null when the tenant does not trust it. */
  findTrustedIssuer(
    tenantId: string,
    issuer: string,
  ): Promise<{ id: string; jwks: string | null; jwksUri: string | null } | null>;
  findRequestForPoll(authReqIdHash: string): Promise<PollRow | null>;
  /**
   * A token poll by an authenticated client (`clientId`: its internal id):
   * the request the hash of its auth_req_id names (null if none) and whether
   * this poll was counted — only a poll of the client's own pending,
   * unexpired request, well spaced (isPollWellSpaced) on the latest poll
   * time, is; of concurrent polls on any instances at most one. PostgreSQL:
   * one statement (queries.selectAndCountPoll). SQLite: the read, then
   * recordPoll when it applies. A poll not counted is the caller's to
   * answer (slow_down when the request is pending).
   */
  pollRequest(options: { authReqIdHash: string; clientId: string; now: Date; graceMs: number }): Promise<{
    request: PollRow | null;
    counted: boolean;
  }>;
  /**
   * Counts a well-spaced poll of a pending request, only if its last poll
   * time is still `previousPolledAt`; resolves false when another poll landed
   * in between. A pending poll writes no event.
   */
  recordPoll(options: { request: RequestSubject; previousPolledAt: Date | null; now: Date }): Promise<boolean>;
  /**
   * Counts a poll that came too soon (slow_down): adds `increment` to the
   * interval and records a slow_down event with the interval now in force,
   * whatever other polls did meanwhile. Resolves to that interval (null if
   * the request is gone).
   */
  recordSlowDown(options: { request: RequestSubject; now: Date; increment: number }): Promise<number | null>;
  /**
   * approved → redeemed (unexpired) with the access token's jti and an
   * exchange event, and the refresh token when one was minted; true for
   * exactly one caller. `outboxSecret`: a push callback's message gets its
   * new sealed secret (the token response) in the same unit.
   */
  redeemRequest(options: {
    request: RequestSubject;
    now: Date;
    accessTokenJti: string;
    outboxSecret?: { messageId: string; encryptedSecret: string };
    refreshToken?: NewRefreshToken;
    /** The agent acting for the user, recorded on the exchange event. */
    agent?: AgentDetail | null;
  }): Promise<boolean>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRow | null>;
  /**
   * Rotates `token` (RFC 6749 §6): marks it used and inserts `successor`,
   * with a refresh event, in one unit — only if the conditional update wins
   * (queries.updateRotateRefreshToken); false, writing nothing, otherwise.
   */
  rotateRefreshToken(options: {
    token: RefreshTokenRow;
    subject: RequestSubject;
    successor: NewRefreshToken;
    now: Date;
  }): Promise<boolean>;
  /**
   * Revokes every token of a redeemed request's grant (its access tokens and
   * its refresh token family) and records why. Resolves false when they were
   * revoked already.
   */
  revokeGrant(options: { request: RequestSubject; now: Date; reason: 'refresh_token_reuse' | 'revocation' }): Promise<boolean>;
  /** Records one access token as revoked (RFC 7009) until it expires. */
  revokeAccessToken(options: { jti: string; tenantId: string; expiresAt: Date; now: Date }): Promise<void>;
  /**
   * Deletes at most `limit` expired refresh tokens, `limit` revocation
   * records of expired access tokens and `limit` used JWT ids of expired
   * JWTs; resolves to how many rows it deleted.
   */
  pruneExpiredTokens(options: { now: Date; limit: number }): Promise<number>;
  /**
   * Records that a client used a JWT id until `expiresAt`: true the first
   * time (or once an earlier use has expired), false for a replay — decided
   * by one conditional insert, so of two concurrent uses on any instances
   * exactly one is first.
   */
  claimJwtId(use: { clientId: string; purpose: JwtIdPurpose; jti: string; expiresAt: Date; now: Date }): Promise<boolean>;
  /** A user's code state (CIBA §7.1.2, lib/ciba/check-user-code.ts), null for no such user. */
  findUserCode(userId: string): Promise<UserCodeRow | null>;
  /**
   * Counts a wrong user code (one conditional update, exact across
   * instances): the new count and lock, or null when the code was locked and
   * the attempt was not counted.
   */
  recordUserCodeFailure(failure: uc.UserCodeFailureParams): Promise<{ failures: number; lockedUntil: Date | null } | null>;
  /** A right user code: clears failures (and stores a rehash); false when the code was locked or changed meanwhile. */
  recordUserCodeSuccess(success: uc.UserCodeSuccessParams): Promise<boolean>;
  /** Links made for a user since `since` (self-service user codes, lib/ciba/user-code-link.ts). */
  countRecentUserCodeLinks(userId: string, since: Date): Promise<number>;
  /** A one-time user-code link and its email's outbox message, in one unit. */
  createUserCodeLink(link: { link: Omit<uc.UserCodeLinkInsert, 'usedAt'>; outbox: NewOutboxMessage }): Promise<void>;
  findUserCodeLinkByTokenHash(tokenHash: string): Promise<UserCodeLinkRow | null>;
  findUserCodeLinkById(id: string): Promise<UserCodeLinkRow | null>;
  /**
   * Uses a link once and sets its user's code (hash), failures and lock
   * cleared, in one unit: false when the link is unknown, used or expired.
   */
  setUserCodeByLink(change: { linkId: string; userCodeHash: string; now: Date }): Promise<boolean>;
  /** A redeemed auth_req_id presented again: revokes its tokens and records the replay. */
  refuseReplay(options: { request: RequestSubject; now: Date }): Promise<void>;
  /**
   * The conditional update behind every completion (completeBackchannelRequest):
   * consumes the approval link if given, moves the request by `decision`, and
   * writes `effects(subject)` — all in one unit, or nothing. Null when a
   * condition did not match (nothing was written).
   */
  applyDecision(options: {
    requestId: string;
    decision: RequestDecision;
    approvalLinkId?: string;
    /**
     * An approval's granted authorization_details (RFC 9396), a JSON array;
     * absent or null: every item requested (if any).
     */
    grantedAuthorizationDetails?: string | null;
    /**
     * An approval's amr (RFC 8176 values): set only for a verified passkey
     * assertion; a request at ACR_PASSKEY is not approved without it.
     */
    amr?: readonly string[];
    now: Date;
    effects: (request: DecidedRequest) => CompletionEffects;
  }): Promise<DecidedRequest | null>;
  findRequestState(id: string): Promise<{ status: PollRow['status']; expiresAt: Date; acr: string | null } | null>;
  findApprovalLinkState(id: string): Promise<{ requestId: string; usedAt: Date | null } | null>;
  /** Unfinished requests past their expiry, for the sweeper. */
  findDueExpiries(now: Date, limit: number): Promise<string[]>;
  findApprovalByTokenHash(tokenHash: string): Promise<ApprovalRow | null>;
  /** The approvals of these links, in no particular order; unknown ids are left out. */
  findApprovalsByLinkIds(linkIds: readonly string[]): Promise<ApprovalRow[]>;
  findGrantByAccessTokenJti(jti: string): Promise<GrantRow | null>;
  /** Whether the user has at least one enrolled authenticator device (a passkey). */
  hasAuthenticatorDevice(tenantId: string, userId: string): Promise<boolean>;
  /** The user's enrolled passkeys: credential ids (base64url) and transports (a JSON array, or null). */
  listAuthenticatorCredentials(tenantId: string, userId: string): Promise<AuthenticatorCredentialRow[]>;

  /** Records an event that accompanies no state change (a link opened). */
  recordEvent(event: EventRecord): Promise<void>;
  listRequestEvents(requestId: string): Promise<EventRecord[]>;
  /** At most `limit` of a tenant's waiting requests polled after `since`, with their poll count and time (the live monitor's refresh). */
  listPollsSince(options: {
    tenantId: string;
    since: Date;
    now: Date;
    limit: number;
  }): Promise<{ id: string; pollCount: number; lastPolledAt: Date | null }[]>;
  /** At most `limit` events with an id above `after` (any tenant), oldest first: the event feed's tail. */
  listEventsAfter(after: string, limit: number): Promise<EventRecord[]>;
  /**
   * Deletes events created before `before` (retention), oldest first, in
   * batches of at most EVENT_PRUNE_BATCH_LIMIT rows, each its own statement
   * and commit so writers wait for one batch at most; stops after a short
   * batch or `maxBatches`. Resolves to how many it deleted.
   */
  pruneEvents(options: { before: Date; batchSize: number; maxBatches: number }): Promise<number>;

  /** Claims due outbox messages no worker holds, for `owner` for `leaseMs`, counting an attempt each. */
  claimOutbox(options: ClaimOptions): Promise<ClaimedOutboxMessage[]>;
  /**
   * Takes over due messages whose lease lapsed (their worker died), after
   * recording each one's unfinished attempt as interrupted.
   */
  reclaimLapsedOutbox(options: ClaimOptions): Promise<ClaimedOutboxMessage[]>;
  /**
   * Releases `owner`'s leases (a worker stopping before its deliveries
   * finished): each unfinished attempt is recorded as interrupted and its
   * message is claimable by another worker at once. Resolves to how many.
   */
  releaseOutboxLeases(options: { owner: string; now: Date }): Promise<number>;
  /**
   * Records attempts' outcomes and settles their messages, with their events,
   * in one unit — each only while `owner` still holds its lease (false for
   * that one otherwise: its attempt is recorded, its message left to the new owner).
   */
  settleOutbox(options: { owner: string; now: Date; outcomes: OutboxOutcome[] }): Promise<boolean[]>;
  /** The database's connection pools as they are now (/metrics); empty on SQLite, which has none. */
  poolUsage(): PoolUsage[];
  close(): Promise<void>;
};

/** `{ id: 1 }` → `{ link_id: 1 }`: a row's columns as the parameters of a combined insert. */
const insertOutbox = async (tx: SqlExecutor, messages: NewOutboxMessage[]) => {
  for (const message of messages) await tx.run(q.insertOutboxMessage, message);
};

/** The rows an outcome writes: the attempt's record, the message's settlement, its events. */
const settlementRows = (
  owner: string,
  now: Date,
  { message, settlement, events, revokeRequestTokens, removePushSubscription }: OutboxOutcome,
) => ({
  attempt: {
    messageId: message.id,
    attempt: message.attempts,
    startedAt: message.leasedAt,
    finishedAt: now,
    outcome: settlement.kind === 'delivered' ? 'delivered' : 'failed',
    providerMessageId: settlement.kind === 'delivered' ? settlement.providerMessageId : null,
    error: settlement.kind === 'delivered' ? null : settlement.error,
  } satisfies q.AttemptRow,
  settle: {
    id: message.id,
    owner,
    status: settlement.kind === 'retry' ? 'pending' : settlement.kind,
    availableAt: settlement.kind === 'retry' ? settlement.availableAt : now,
    providerMessageId: settlement.kind === 'delivered' ? settlement.providerMessageId : null,
    lastError: settlement.kind === 'delivered' ? null : settlement.error,
    finishedAt: settlement.kind === 'retry' ? null : now,
    encryptedSecret:
      settlement.kind === 'retry'
        ? (settlement.encryptedSecret ?? message.encryptedSecret)
        : settlement.kind === 'delivered' && settlement.keepSecret
          ? message.encryptedSecret
          : null,
  } satisfies q.SettleParams,
  events,
  revokeRequestId: revokeRequestTokens === true ? message.requestId : null,
  unsubscribe: removePushSubscription ?? null,
});

/** `unit`'s value, once it has committed events: rings the event bell first (this process's event feed reads them at once). */
const ringingAfter = async <T>(unit: Promise<T>): Promise<T> => {
  const value = await unit;
  ringEventBell();

  return value;
};

/** The store over either engine. */
export const createProtocolStore = (engine: SqlEngine): ProtocolStore => ({
  dialect: engine.dialect,
  readSettingsEpoch: async () => (await engine.first(q.selectSettingsEpoch, {}))?.epoch ?? 0,
  readSettingsEpochAndPoll: async (authReqIdHash) => {
    const row = await engine.first(q.selectEpochAndRequestForPoll, { authReqIdHash });
    if (!row) return { epoch: 0, request: null };
    const { epoch, ...request } = row;

    return { epoch, request: request.id === null ? null : (request as PollRow) };
  },
  findTenantBySlug: async (slug) => (await engine.first(q.selectTenantBySlug, { slug })) ?? null,
  findClientByClientId: async (clientId) => (await engine.first(q.selectClientByClientId, { clientId })) ?? null,
  findUserBySub: async (tenantId, sub) => (await engine.first(q.selectUserBySub, { tenantId, sub })) ?? null,
  findUserByEmail: async (tenantId, email) => (await engine.first(q.selectUserByEmail, { tenantId, email })) ?? null,
  listPushDeviceIds: async (userId) => (await engine.all(q.selectPushDeviceIds, { userId })).map((row) => row.id),
  listAuthorizationTypes: (tenantId) => engine.all(q.selectAuthorizationTypes, { tenantId }),

  createRequest: async (request) => {
    const {
      approvalLink,
      outbox,
      events,
      admission,
      callbackSecret,
      authorizationDetails,
      actor,
      certificateThumbprint,
      ...rest
    } = request;
    const columns = {
      ...rest,
      certificateThumbprint: certificateThumbprint ?? null,
      callbackSecret: callbackSecret ?? null,
      authorizationDetails: authorizationDetails ?? null,
      actorIssuer: actor?.issuer ?? null,
      actorSub: actor?.sub ?? null,
      actorName: actor?.name ?? null,
      actorFor: actor?.actingFor ?? null,
    };
    const link = { ...approvalLink, requestId: request.id, createdAt: request.createdAt };
    if (engine.dialect === 'postgres') {
      if (admission && actor) {
        const [counted] = await engine.executeReturningAsyncCommit(q.admitRequestWithAgent, admissionParams(request, admission));
        if (counted.userCounted !== 1) return 'user_limit';
        if (counted.agentCounted !== 1) return 'agent_limit';
        if (counted.tenantCounted !== 1) return 'tenant_limit';
      } else if (admission) {
        const [counted] = await engine.executeReturningAsyncCommit(q.admitRequest, admissionParams(request, admission));
        if (counted.userCounted !== 1) return 'user_limit';
        if (counted.tenantCounted !== 1) return 'tenant_limit';
      }
      try {
        if (outbox.length === 1 && events.length === 1) {
          // bc-authorize's usual shape: one statement, one round trip.
          await ringingAfter(
            engine.execute(q.insertRequestBundle, { request: columns, link, outbox: outbox[0], event: events[0] }),
          );
        } else {
          await ringingAfter(
            engine.transaction(async (tx) => {
              await tx.run(q.insertRequest, columns);
              await tx.run(q.insertApprovalLink, link);
              await insertOutbox(tx, outbox);
              for (const event of events) await tx.run(q.insertEvent, event);
            }),
          );
        }
      } catch (error) {
        // Admitted, never written: give the place back (best effort; a crash here leaves one place taken).
        if (admission)
          await engine
            .execute(q.upsertRelease, { tenantId: request.tenantId, shard: releaseShard(), count: 1 })
            .catch(() => undefined);
        throw error;
      }

      return 'admitted';
    }
    try {
      await ringingAfter(
        engine.transaction(async (tx) => {
          if (admission) {
            const params = admissionParams(request, admission);
            if ((await tx.all(q.upsertUserWindow, params)).length === 0) throw new AdmissionRefused('user_limit');
            if (actor && (await tx.all(q.upsertAgentWindow, params)).length === 0) throw new AdmissionRefused('agent_limit');
            if ((await tx.all(q.upsertTenantUsage, params)).length === 0) throw new AdmissionRefused('tenant_limit');
          }
          await tx.run(q.insertRequest, columns);
          await tx.run(q.insertApprovalLink, link);
          await insertOutbox(tx, outbox);
          for (const event of events) await tx.run(q.insertEvent, event);
        }),
      );
    } catch (error) {
      if (error instanceof AdmissionRefused) return error.outcome;
      throw error;
    }

    return 'admitted';
  },
  readAdmissionState: async ({ tenantId, userId, agent }) => {
    const [userWindow, agentWindow, tenantUsage, ...earliest] = await Promise.all([
      engine.first(q.selectUserWindow, { userId }),
      agent ? engine.first(q.selectAgentWindow, { tenantId, agentIssuer: agent.issuer, agentSub: agent.sub }) : undefined,
      engine.first(q.selectTenantUsage, { tenantId }),
      ...UNFINISHED_STATUSES.map((status) => engine.first(q.selectEarliestExpiry, { tenantId, status })),
    ]);
    const deadlines = earliest.flatMap((row) => (row ? [row.expiresAt.getTime()] : []));

    return {
      userWindow: userWindow ?? null,
      agentWindow: agentWindow ?? null,
      tenantUsage: tenantUsage ?? null,
      earliestExpiry: deadlines.length === 0 ? null : new Date(Math.min(...deadlines)),
    };
  },
  findTrustedIssuer: async (tenantId, issuer) => (await engine.first(q.selectTrustedIssuer, { tenantId, issuer })) ?? null,
  findRequestForPoll: async (authReqIdHash) => (await engine.first(q.selectRequestForPoll, { authReqIdHash })) ?? null,
  pollRequest: async ({ authReqIdHash, clientId, now, graceMs }) => {
    if (engine.dialect === 'postgres') {
      const [row] = await engine.executeReturning(q.selectAndCountPoll, { authReqIdHash, clientId, now, graceMs });
      if (!row) return { request: null, counted: false };
      const { counted, ...request } = row;

      return { request, counted };
    }
    const request = (await engine.first(q.selectRequestForPoll, { authReqIdHash })) ?? null;
    const counts =
      request !== null &&
      request.clientId === clientId &&
      request.status === 'pending' &&
      !isRequestExpired(request, now) &&
      isPollWellSpaced(request, now, graceMs);
    const counted = counts && (await countPoll(engine, { id: request.id, previousPolledAt: request.lastPolledAt, now }));

    return { request, counted };
  },
  recordPoll: ({ request, previousPolledAt, now }) => countPoll(engine, { id: request.id, previousPolledAt, now }),
  recordSlowDown: ({ request, now, increment }) =>
    ringingAfter(
      engine.transaction(async (tx) => {
        const [row] = await tx.all(q.updateSlowDown, { id: request.id, now, intervalIncrement: increment });
        if (!row) return null;
        await tx.run(q.insertEvent, buildEvent('ciba_slow_down', requestEventSubject(request), { interval: row.interval }, now));

        return row.interval;
      }),
    ),
  redeemRequest: ({ request, now, accessTokenJti, refreshToken, outboxSecret, agent }) =>
    ringingAfter(
      engine.transaction(async (tx) => {
        if ((await tx.run(q.updateRedeem, { id: request.id, now, accessTokenJti })) !== 1) return false;
        if (refreshToken) await tx.run(q.insertRefreshToken, refreshToken);
        await release(tx, request.tenantId);
        if (outboxSecret) {
          await tx.run(q.updateOutboxSecret, { id: outboxSecret.messageId, encryptedSecret: outboxSecret.encryptedSecret });
        }
        await tx.run(
          q.insertEvent,
          buildEvent(
            'ciba_exchange_succeeded',
            requestEventSubject(request),
            { access_token_jti: accessTokenJti, ...(agent ? { agent } : {}) },
            now,
          ),
        );

        return true;
      }),
    ),
  refuseReplay: ({ request, now }) =>
    ringingAfter(
      engine.transaction(async (tx) => {
        const revoked = (await tx.run(q.updateRevokeTokens, { id: request.id, now })) === 1;
        await tx.run(
          q.insertEvent,
          buildEvent('ciba_exchange_failed', requestEventSubject(request), { reason: 'replay', tokens_revoked: revoked }, now),
        );
      }),
    ),
  findRefreshToken: async (tokenHash) => (await engine.first(q.selectRefreshToken, { tokenHash })) ?? null,
  rotateRefreshToken: async ({ token, subject, successor, now }) =>
    ringingAfter(
      engine.transaction(async (tx) => {
        if ((await tx.run(q.updateRotateRefreshToken, { id: token.id, now })) !== 1) return false;
        await tx.run(q.insertRefreshToken, successor);
        await tx.run(
          q.insertEvent,
          buildEvent(
            'ciba_tokens_refreshed',
            requestEventSubject(subject),
            { access_token_jti: successor.accessTokenJti ?? '' },
            now,
          ),
        );

        return true;
      }),
    ),
  revokeGrant: ({ request, now, reason }) =>
    ringingAfter(
      engine.transaction(async (tx) => {
        const revoked = (await tx.run(q.updateRevokeTokens, { id: request.id, now })) === 1;
        if (revoked)
          await tx.run(q.insertEvent, buildEvent('ciba_tokens_revoked', requestEventSubject(request), { reason }, now));

        return revoked;
      }),
    ),
  revokeAccessToken: async ({ jti, tenantId, expiresAt, now }) => {
    await engine.execute(q.insertRevokedAccessToken, { jti, tenantId, expiresAt, revokedAt: now });
  },
  pruneExpiredTokens: async ({ now, limit }) =>
    (await engine.execute(q.deleteExpiredRefreshTokens, { now, limit })) +
    (await engine.execute(q.deleteExpiredRevokedAccessTokens, { now, limit })) +
    (await engine.execute(q.deleteExpiredJwtIdUses, { now, limit })) +
    (await engine.execute(uc.deleteExpiredUserCodeLinks, { before: now, limit })),
  claimJwtId: async ({ clientId, purpose, jti, expiresAt, now }) =>
    (await engine.execute(q.insertJwtIdUse, { id: randomUUID(), clientId, purpose, jti, expiresAt, now })) === 1,
  findUserCode: async (userId) => (await engine.first(uc.selectUserCode, { userId })) ?? null,
  recordUserCodeFailure: async (failure) => {
    const [row] = await engine.executeReturning(uc.updateUserCodeFailure, failure);

    return row ? { failures: row.userCodeFailures, lockedUntil: row.userCodeLockedUntil } : null;
  },
  recordUserCodeSuccess: async (success) => (await engine.execute(uc.updateUserCodeSuccess, success)) === 1,
  countRecentUserCodeLinks: async (userId, since) =>
    Number((await engine.first(uc.countRecentUserCodeLinks, { userId, since }))?.count ?? 0),
  createUserCodeLink: ({ link, outbox }) =>
    engine.transaction(async (tx) => {
      await tx.run(uc.insertUserCodeLink, { ...link, usedAt: null });
      await insertOutbox(tx, [outbox]);
    }),
  findUserCodeLinkByTokenHash: async (tokenHash) => (await engine.first(uc.selectUserCodeLinkByTokenHash, { tokenHash })) ?? null,
  findUserCodeLinkById: async (id) => (await engine.first(uc.selectUserCodeLinkById, { id })) ?? null,
  setUserCodeByLink: ({ linkId, userCodeHash, now }) =>
    engine.transaction(async (tx) => {
      const [used] = await tx.all(uc.consumeUserCodeLink, { id: linkId, now });
      if (!used) return false;
      await tx.run(uc.updateUserCodeHash, { userId: used.userId, userCodeHash, now });

      return true;
    }),
  applyDecision: async ({ requestId, decision, approvalLinkId, grantedAuthorizationDetails, amr, now, effects }) => {
    try {
      return await ringingAfter(
        engine.transaction(async (tx) => {
          if (approvalLinkId !== undefined) {
            if ((await tx.run(q.updateConsumeLink, { id: approvalLinkId, requestId, now })) !== 1) throw new NothingMatched();
          }
          const [matched] =
            decision === 'approve'
              ? await tx.all(q.updateApprovePending, {
                  id: requestId,
                  now,
                  granted: grantedAuthorizationDetails ?? null,
                  amr: amr && amr.length > 0 ? amr.join(' ') : null,
                })
              : decision === 'deny'
                ? await tx.all(q.updateDecidePending, { id: requestId, now, status: 'denied' })
                : decision === 'cancel'
                  ? await tx.all(q.updateCancel, { id: requestId, now })
                  : await tx.all(q.updateExpire, { id: requestId, now });
          if (!matched) throw new NothingMatched();
          // Every decision but approval finishes the request (approved still waits for redemption).
          if (decision !== 'approve') await release(tx, matched.tenantId);
          const subject = { id: requestId, ...matched };
          const { events, outbox } = effects(subject);
          for (const event of events) await tx.run(q.insertEvent, event);
          await insertOutbox(tx, outbox);

          return subject;
        }),
      );
    } catch (error) {
      if (error instanceof NothingMatched) return null;
      throw error;
    }
  },
  findRequestState: async (id) => (await engine.first(q.selectRequestState, { id })) ?? null,
  findApprovalLinkState: async (id) => (await engine.first(q.selectLinkState, { id })) ?? null,
  findDueExpiries: async (now, limit) => (await engine.all(q.selectDueExpiries, { now, limit })).map((row) => row.id),
  findApprovalByTokenHash: async (tokenHash) => (await engine.first(q.selectApprovalByTokenHash, { tokenHash })) ?? null,
  findApprovalsByLinkIds: async (linkIds) =>
    linkIds.length === 0 ? [] : engine.all(q.selectApprovalsByLinkIds, { linkIds: JSON.stringify(linkIds) }),
  findGrantByAccessTokenJti: async (jti) => (await engine.first(q.selectGrantByAccessTokenJti, { jti })) ?? null,
  hasAuthenticatorDevice: async (tenantId, userId) =>
    (await engine.first(q.selectHasAuthenticatorDevice, { tenantId, userId })) !== undefined,
  listAuthenticatorCredentials: (tenantId, userId) => engine.all(q.selectAuthenticatorCredentials, { tenantId, userId }),

  recordEvent: async (event) => {
    await ringingAfter(engine.execute(q.insertEvent, event));
  },
  listRequestEvents: (requestId) => engine.all(q.selectRequestEvents, { requestId }),
  listPollsSince: (options) => engine.all(q.selectPollsSince, options),
  listEventsAfter: (after, limit) => engine.all(q.selectEventsAfter, { after, limit }),
  pruneEvents: async ({ before, batchSize, maxBatches }) => {
    const params = { before: minTimeOrderedId(before), limit: Math.min(batchSize, EVENT_PRUNE_BATCH_LIMIT) };
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch += 1) {
      const changes = await engine.execute(q.deleteEventsBefore, params);
      deleted += changes;
      if (changes < params.limit) break;
    }

    return deleted;
  },

  claimOutbox: ({ owner, now, leaseMs, limit }) =>
    engine.executeReturning(q.updateClaimOutbox, { owner, now, leaseExpiresAt: new Date(now.getTime() + leaseMs), limit }),
  reclaimLapsedOutbox: ({ owner, now, leaseMs, limit }) =>
    engine.transaction(async (tx) => {
      await tx.run(q.insertInterruptedAttempts, { now });

      return tx.all(q.updateReclaimOutbox, { owner, now, leaseExpiresAt: new Date(now.getTime() + leaseMs), limit });
    }),
  releaseOutboxLeases: ({ owner, now }) =>
    engine.transaction(async (tx) => {
      await tx.run(q.insertReleasedAttempts, { owner, now });

      return tx.run(q.updateReleaseOutbox, { owner });
    }),
  settleOutbox: async ({ owner, now, outcomes }) => {
    const rows = outcomes.map((outcome) => settlementRows(owner, now, outcome));
    if (engine.dialect === 'postgres') {
      // One statement for the batch: one round trip, one commit.
      const settled = new Set(
        (
          await ringingAfter(
            engine.executeReturning(q.settleOutboxBatch, {
              owner,
              settlements: JSON.stringify(
                rows.map(({ attempt, settle, revokeRequestId, unsubscribe }) => ({
                  ...attempt,
                  revokeRequestId,
                  unsubscribeDeviceId: unsubscribe?.deviceId ?? null,
                  unsubscribeEndpoint: unsubscribe?.endpoint ?? null,
                  status: settle.status,
                  availableAt: settle.availableAt,
                  messageFinishedAt: settle.finishedAt,
                  encryptedSecret: settle.encryptedSecret,
                })),
              ),
              events: JSON.stringify(
                rows.flatMap(({ attempt, events }) => events.map((event) => ({ ...event, messageId: attempt.messageId }))),
              ),
            }),
          )
        ).map(({ id }) => id),
      );

      return rows.map(({ attempt }) => settled.has(attempt.messageId));
    }

    return ringingAfter(
      engine.transaction(async (tx) => {
        const settled: boolean[] = [];
        for (const { attempt, settle, events, revokeRequestId, unsubscribe } of rows) {
          await tx.run(q.upsertOutboxAttempt, attempt);
          const changed = await tx.run(q.updateSettleOutbox, settle);
          settled.push(changed === 1);
          if (changed !== 1) continue;
          for (const event of events) await tx.run(q.insertEvent, event);
          if (revokeRequestId !== null) await tx.run(q.updateRevokeTokens, { id: revokeRequestId, now });
          if (unsubscribe !== null) {
            await tx.run(q.updateClearPushSubscription, { id: unsubscribe.deviceId, endpoint: unsubscribe.endpoint });
          }
        }

        return settled;
      }),
    );
  },
  poolUsage: () => engine.poolUsage?.() ?? [],
  close: () => engine.close(),
});

/**
 * Every statement of the request store, each defined once for SQLite and
 * PostgreSQL (see defineQuery). Grouped by what they touch; the store
 * (protocol-store.ts) composes them into atomic units.
 */
import type { OutboxStatus, RequestStatus } from '@/lib/generated/sqlite/enums';
import { ACR_PASSKEY, CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { expiredInSql, UNFINISHED_STATUSES, unexpiredInSql } from '@/lib/store/request-lifecycle';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@/lib/store/sql/database';
import { defineQuery, type ParameterFn } from '@/lib/store/sql/define-query';

type Row<T extends keyof Database> = Database[T];

// ── Settings (cached by the settings cache) ──────────────────────────────────

export const selectSettingsEpoch = defineQuery<object, { epoch: number }>('settings-epoch', (db) =>
  db.selectFrom('SettingsEpoch').select('epoch').where('id', '=', 1),
);

const TENANT_COLUMNS = [
  'id',
  'slug',
  'name',
  'rateLimitPerUser',
  'rateLimitPerTenant',
  'maxPendingRequests',
  'rateLimitPerAgent',
  'dynamicRegistration',
  'emailChannelEnabled',
  'pushChannelEnabled',
  'emailFallbackSeconds',
] as const;

export const selectTenantBySlug = defineQuery<{ slug: string }, Pick<Row<'Tenant'>, (typeof TENANT_COLUMNS)[number]>>(
  'tenant-by-slug',
  (db, p) => db.selectFrom('Tenant').select(TENANT_COLUMNS).where('slug', '=', p('slug')),
);

/**
 * bc-authorize with the tenant's push channel on: the user's devices that can
 * be pushed to (a Web Push subscription stored). One read on the
 * (userId, createdAt) index.
 */
export const selectPushDeviceIds = defineQuery<{ userId: string }, { id: string }>('push-devices-of-user', (db, p) =>
  db
    .selectFrom('AuthenticatorDevice')
    .select('id')
    .where('userId', '=', p('userId'))
    .where('pushEndpoint', 'is not', null)
    .where('pushKeys', 'is not', null)
    .orderBy('createdAt'),
);

/**
 * Removes a device's Web Push subscription after its push service answered
 * 404/410 (RFC 8030 §7.3: the subscription is gone) — only if it is still the
 * subscription that was pushed to (the device may have subscribed again).
 */
export const updateClearPushSubscription = defineQuery<{ id: string; endpoint: string }>('clear-push-subscription', (db, p) =>
  db
    .updateTable('AuthenticatorDevice')
    .set({ pushEndpoint: null, pushKeys: null })
    .where('id', '=', p('id'))
    .where('pushEndpoint', '=', p('endpoint')),
);

export const selectClientByClientId = defineQuery<{ clientId: string }, Row<'Client'>>('client-by-client-id', (db, p) =>
  db.selectFrom('Client').selectAll().where('clientId', '=', p('clientId')),
);

// ── Authorization-details types (RFC 9396) ───────────────────────────────────

export const selectAuthorizationTypes = defineQuery<
  { tenantId: string },
  Pick<Row<'AuthorizationType'>, 'type' | 'title' | 'schema' | 'template' | 'partialApproval'>
>('authorization-types-of-tenant', (db, p) =>
  db
    .selectFrom('AuthorizationType')
    .select(['type', 'title', 'schema', 'template', 'partialApproval'])
    .where('tenantId', '=', p('tenantId')),
);

// ── Users ─────────────────────────────────────────────────────────────────────

const USER_COLUMNS = ['id', 'tenantId', 'sub', 'email', 'emailVerified', 'name', 'blocked'] as const;
export type UserColumns = Pick<Row<'User'>, (typeof USER_COLUMNS)[number]>;

export const selectUserBySub = defineQuery<{ tenantId: string; sub: string }, UserColumns>('user-by-sub', (db, p) =>
  db.selectFrom('User').select(USER_COLUMNS).where('tenantId', '=', p('tenantId')).where('sub', '=', p('sub')),
);

export const selectUserByEmail = defineQuery<{ tenantId: string; email: string }, UserColumns>('user-by-email', (db, p) =>
  db.selectFrom('User').select(USER_COLUMNS).where('tenantId', '=', p('tenantId')).where('email', '=', p('email')),
);

// ── Requests ──────────────────────────────────────────────────────────────────

export type PollColumns = Pick<
  Row<'BackchannelRequest'>,
  | 'id'
  | 'tenantId'
  | 'clientId'
  | 'userId'
  | 'status'
  | 'scope'
  | 'acr'
  | 'amr'
  | 'interval'
  | 'lastPolledAt'
  | 'expiresAt'
  | 'decidedAt'
  | 'grantedAuthorizationDetails'
  | 'actorIssuer'
  | 'actorSub'
> & { userSub: string; userBlocked: boolean };

/** The columns of PollColumns, from `BackchannelRequest as r` joined to `User as u`. */
const POLL_SELECTION = [
  'r.id',
  'r.tenantId',
  'r.clientId',
  'r.userId',
  'u.sub as userSub',
  'u.blocked as userBlocked',
  'r.status',
  'r.scope',
  'r.acr',
  'r.amr',
  'r.interval',
  'r.lastPolledAt',
  'r.expiresAt',
  'r.decidedAt',
  'r.grantedAuthorizationDetails',
  'r.actorIssuer',
  'r.actorSub',
] as const;

/** What a token poll needs: one indexed read by the hash of auth_req_id, the user joined by primary key. */
export const selectRequestForPoll = defineQuery<{ authReqIdHash: string }, PollColumns>('request-for-poll', (db, p) =>
  db
    .selectFrom('BackchannelRequest as r')
    .innerJoin('User as u', 'u.id', 'r.userId')
    .select(POLL_SELECTION)
    .where('r.authReqIdHash', '=', p('authReqIdHash')),
);

/** PollColumns, each null when no request matched (a left join), with the settings epoch. */
export type EpochAndPollColumns = { epoch: number } & { [K in keyof PollColumns]: PollColumns[K] | null };

/**
 * The settings epoch and, in the same statement, what selectRequestForPoll
 * reads: a token poll's first read is one round trip, not two. The epoch row
 * always exists (id 1); the request's columns are null when none matches.
 */
export const selectEpochAndRequestForPoll = defineQuery<{ authReqIdHash: string }, EpochAndPollColumns>(
  'settings-epoch-and-request-for-poll',
  (db, p) =>
    db
      .selectFrom('SettingsEpoch as e')
      .leftJoin('BackchannelRequest as r', (join) => join.on('r.authReqIdHash', '=', p('authReqIdHash')))
      .leftJoin('User as u', 'u.id', 'r.userId')
      .select(['e.epoch', ...POLL_SELECTION])
      .where('e.id', '=', 1),
);

/** The parameters of selectAndCountPoll. */
export type CountPollParams = { authReqIdHash: string; clientId: string; now: Date; graceMs: number };

/**
 * PostgreSQL only: a token poll in ONE statement (one round trip, no
 * BEGIN/COMMIT): reads what selectRequestForPoll reads and, when the request
 * is the client's (`clientId`, its internal id), pending and unexpired, and
 * the poll is well spaced (CIBA §11: at least `interval` seconds after the
 * last one, less `graceMs` of jitter), counts it as updatePoll does.
 * `counted` says whether it did. The read is the statement's snapshot; the
 * update's conditions are checked on the row's latest version under its
 * lock, so of two concurrent polls on any instances at most one is counted
 * (the other's update finds the first's poll time and matches nothing).
 * SQLite has no DML in CTEs: there the store runs selectEpochAndRequestForPoll
 * then updatePoll. Never prepared on SQLite.
 */
export const selectAndCountPoll = defineQuery<CountPollParams, PollColumns & { counted: boolean }>(
  'select-and-count-poll',
  (db, p) => ({
    compile: () =>
      sql<PollColumns & { counted: boolean }>`
        WITH "counted" AS (
          UPDATE "BackchannelRequest" AS "t"
          SET "lastPolledAt" = ${p('now')}, "pollCount" = "t"."pollCount" + 1
          WHERE "t"."authReqIdHash" = ${p('authReqIdHash')}
            AND "t"."clientId" = ${p('clientId')}
            AND "t"."status" = 'pending'
            AND "t"."expiresAt" > ${p('now')}
            AND ("t"."lastPolledAt" IS NULL
              OR "t"."lastPolledAt" <= CAST(${p('now')} AS timestamp(3)) + (${p('graceMs')} - "t"."interval" * 1000) * interval '1 millisecond')
          RETURNING "t"."id"
        )
        SELECT ${sql.join(
          POLL_SELECTION.map((column) => {
            const [qualified, alias] = column.split(' as ');
            const [table, name] = qualified.split('.');

            return sql`${sql.ref(`${table}.${name}`)} AS ${sql.ref(alias ?? name)}`;
          }),
        )}, EXISTS (SELECT 1 FROM "counted") AS "counted"
        FROM "BackchannelRequest" AS "r" INNER JOIN "User" AS "u" ON "u"."id" = "r"."userId"
        WHERE "r"."authReqIdHash" = ${p('authReqIdHash')}`.compile(db),
  }),
);

export const selectRequestState = defineQuery<{ id: string }, Pick<Row<'BackchannelRequest'>, 'status' | 'expiresAt' | 'acr'>>(
  'request-state',
  (db, p) => db.selectFrom('BackchannelRequest').select(['status', 'expiresAt', 'acr']).where('id', '=', p('id')),
);

type RequestInsert = Pick<
  Row<'BackchannelRequest'>,
  | 'id'
  | 'tenantId'
  | 'clientId'
  | 'userId'
  | 'authReqIdHash'
  | 'scope'
  | 'bindingMessage'
  | 'acrValues'
  | 'acr'
  | 'interval'
  | 'expiresAt'
  | 'createdAt'
  | 'callbackSecret'
  | 'authorizationDetails'
  | 'actorIssuer'
  | 'actorSub'
  | 'actorName'
  | 'actorFor'
  | 'certificateThumbprint'
>;

/** A column's value from a parameter: `p` itself, or `p` in a group when one statement inserts several rows. */
type ValueOf<Columns> = <K extends keyof Columns & string>(column: K) => Columns[K];

/** The parameters of one row of a combined insert, under their group: `link` + `id` → `link.id` (params.link.id). */
const grouped =
  <Columns>(parameter: (name: never) => unknown, group: string): ValueOf<Columns> =>
  (column) =>
    parameter(`${group}.${column}` as never) as never;

const requestValues = (v: ValueOf<RequestInsert>) => ({
  id: v('id'),
  tenantId: v('tenantId'),
  clientId: v('clientId'),
  userId: v('userId'),
  authReqIdHash: v('authReqIdHash'),
  scope: v('scope'),
  bindingMessage: v('bindingMessage'),
  acrValues: v('acrValues'),
  acr: v('acr'),
  status: 'pending' as const,
  interval: v('interval'),
  pollCount: 0,
  slowDownCount: 0,
  expiresAt: v('expiresAt'),
  createdAt: v('createdAt'),
  callbackSecret: v('callbackSecret'),
  authorizationDetails: v('authorizationDetails'),
  actorIssuer: v('actorIssuer'),
  actorSub: v('actorSub'),
  actorName: v('actorName'),
  actorFor: v('actorFor'),
  certificateThumbprint: v('certificateThumbprint'),
});

export const insertRequest = defineQuery<RequestInsert>('insert-request', (db, p) =>
  db.insertInto('BackchannelRequest').values(requestValues(p)),
);

/**
 * Records a well-spaced poll of a pending request (CIBA §11) only if its last
 * poll time is still the one read, so overlapping polls cannot both pass as
 * spaced (the one that loses is too fast: updateSlowDown).
 */
export const updatePoll = defineQuery<{ id: string; previousPolledAt: Date | null; now: Date }, { id: string }>(
  'record-poll',
  (db, p) =>
    db
      .updateTable('BackchannelRequest')
      .set((eb) => ({ lastPolledAt: p('now'), pollCount: eb('pollCount', '+', 1) }))
      .where('id', '=', p('id'))
      .where('lastPolledAt', 'is not distinct from', p('previousPolledAt'))
      .returning('id'),
);

/**
 * Records a poll that came too soon (CIBA §11 slow_down): before the interval
 * in force, or overlapping another poll of the same request. Unconditional, so
 * every slow_down answered is counted and raises the interval; returns the
 * interval now in force, for the answer and the event.
 */
export const updateSlowDown = defineQuery<{ id: string; now: Date; intervalIncrement: number }, { interval: number }>(
  'record-slow-down',
  (db, p) =>
    db
      .updateTable('BackchannelRequest')
      .set((eb) => ({
        lastPolledAt: p('now'),
        interval: eb('interval', '+', p('intervalIncrement')),
        pollCount: eb('pollCount', '+', 1),
        slowDownCount: eb('slowDownCount', '+', 1),
      }))
      .where('id', '=', p('id'))
      .returning(['interval']),
);

/**
 * approved → redeemed, unexpired: the single conditional update that issues
 * tokens once (CIBA §10.1.1) — and only while the user is not blocked and
 * the client still exists with the CIBA grant, so that a block, a deletion
 * or a grant removed after approval wins over any redemption that has not
 * committed yet (contract.md: blocked after approval → no tokens).
 */
export const updateRedeem = defineQuery<{ id: string; now: Date; accessTokenJti: string }>('redeem-request', (db, p) =>
  db
    .updateTable('BackchannelRequest')
    .set({ status: 'redeemed', redeemedAt: p('now'), accessTokenJti: p('accessTokenJti') })
    .where('id', '=', p('id'))
    .where('status', '=', 'approved')
    .where((eb) => unexpiredInSql(eb, p('now')))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('User')
          .select('User.id')
          .whereRef('User.id', '=', 'BackchannelRequest.userId')
          .where('User.blocked', '=', false),
      ),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('Client')
          .select('Client.id')
          .whereRef('Client.id', '=', 'BackchannelRequest.clientId')
          .where(sql<boolean>`(' ' || ${sql.ref('Client.grantTypes')} || ' ') like ${`% ${CIBA_GRANT_TYPE} %`}`),
      ),
    ),
);

export const updateRevokeTokens = defineQuery<{ id: string; now: Date }>('revoke-redeemed-tokens', (db, p) =>
  db
    .updateTable('BackchannelRequest')
    .set({ tokensRevokedAt: p('now') })
    .where('id', '=', p('id'))
    .where('status', '=', 'redeemed')
    .where('tokensRevokedAt', 'is', null),
);

/** What a decision returns: who the request concerns, and what its ping/push callback needs (CIBA §10.2, §10.3). */
type DecidedSubject = Pick<
  Row<'BackchannelRequest'>,
  'tenantId' | 'clientId' | 'userId' | 'expiresAt' | 'callbackSecret' | 'actorIssuer' | 'actorSub' | 'actorName'
>;
const DECIDED_COLUMNS = [
  'tenantId',
  'clientId',
  'userId',
  'expiresAt',
  'callbackSecret',
  'actorIssuer',
  'actorSub',
  'actorName',
] as const;

/**
 * pending and unexpired → approved, with the authorization_details granted
 * (RFC 9396): `granted` (a JSON array, a subset the user chose) or, when
 * null, every item requested; and `amr`, how the user authenticated (RFC
 * 8176, space-separated; null for the emailed link alone). A request at the
 * passkey level (acr ACR_PASSKEY) matches only an approval with an amr.
 */
export const updateApprovePending = defineQuery<
  { id: string; now: Date; granted: string | null; amr: string | null },
  DecidedSubject
>('approve-pending-request', (db, p) =>
  db
    .updateTable('BackchannelRequest')
    .set({
      status: 'approved',
      decidedAt: p('now'),
      grantedAuthorizationDetails: sql<
        string | null
      >`coalesce(cast(${p('granted')} as text), ${sql.ref('authorizationDetails')})`,
      amr: sql<string | null>`cast(${p('amr')} as text)`,
    })
    .where('id', '=', p('id'))
    .where('status', '=', 'pending')
    .where((eb) => unexpiredInSql(eb, p('now')))
    .where((eb) =>
      eb.or([eb('acr', 'is', null), eb('acr', '!=', ACR_PASSKEY), sql<boolean>`cast(${p('amr')} as text) is not null`]),
    )
    .returning(DECIDED_COLUMNS),
);

/** pending and unexpired → approved | denied (the user's decision, CIBA §8). */
export const updateDecidePending = defineQuery<{ id: string; now: Date; status: RequestStatus }, DecidedSubject>(
  'decide-pending-request',
  (db, p) =>
    db
      .updateTable('BackchannelRequest')
      .set({ status: p('status'), decidedAt: p('now') })
      .where('id', '=', p('id'))
      .where('status', '=', 'pending')
      .where((eb) => unexpiredInSql(eb, p('now')))
      .returning(DECIDED_COLUMNS),
);

/** pending or approved (not redeemed) and unexpired → cancelled. */
export const updateCancel = defineQuery<{ id: string; now: Date }, DecidedSubject>('cancel-request', (db, p) =>
  db
    .updateTable('BackchannelRequest')
    .set({ status: 'cancelled', decidedAt: p('now') })
    .where('id', '=', p('id'))
    .where('status', 'in', [...UNFINISHED_STATUSES])
    .where((eb) => unexpiredInSql(eb, p('now')))
    .returning(DECIDED_COLUMNS),
);

/** Unfinished and past expiresAt → expired. */
export const updateExpire = defineQuery<{ id: string; now: Date }, DecidedSubject>('expire-request', (db, p) =>
  db
    .updateTable('BackchannelRequest')
    .set({ status: 'expired' })
    .where('id', '=', p('id'))
    .where((eb) => expiredInSql(eb, p('now')))
    .returning(DECIDED_COLUMNS),
);

/**
 * A tenant's waiting (unfinished, unexpired) requests polled after `since`:
 * what the live monitor refreshes, since polls write no events. Read on the
 * (tenantId, status, expiresAt) index; only the poll columns come back.
 */
export const selectPollsSince = defineQuery<
  { tenantId: string; since: Date; now: Date; limit: number },
  { id: string; pollCount: number; lastPolledAt: Date | null }
>('polls-since', (db, p) =>
  db
    .selectFrom('BackchannelRequest')
    .select(['id', 'pollCount', 'lastPolledAt'])
    .where('tenantId', '=', p('tenantId'))
    .where('status', 'in', [...UNFINISHED_STATUSES])
    .where((eb) => unexpiredInSql(eb, p('now')))
    .where('lastPolledAt', '>', p('since'))
    .limit(p('limit')),
);

/** Requests the sweeper must mark expired, oldest deadline first. */
export const selectDueExpiries = defineQuery<{ now: Date; limit: number }, { id: string }>('due-expiries', (db, p) =>
  db
    .selectFrom('BackchannelRequest')
    .select('id')
    .where((eb) => expiredInSql(eb, p('now')))
    .orderBy('expiresAt')
    .limit(p('limit')),
);

export type GrantColumns = Pick<Row<'BackchannelRequest'>, 'tenantId' | 'tokensRevokedAt'> & {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  /** The jti when this access token was revoked on its own (RFC 7009), null otherwise. */
  revokedJti: string | null;
};

/**
 * The grant behind an access token (userinfo, introspection), with its user:
 * the request whose CIBA redemption issued it, or the request of the refresh
 * token family whose rotation issued it — both read on unique indexes — and
 * whether the token was revoked on its own.
 */
export const selectGrantByAccessTokenJti = defineQuery<{ jti: string }, GrantColumns>('grant-by-jti', (db, p) =>
  db
    .selectFrom('BackchannelRequest as r')
    .innerJoin('User as u', 'u.id', 'r.userId')
    .select([
      'r.tenantId',
      'r.tokensRevokedAt',
      'u.sub',
      'u.email',
      'u.emailVerified',
      'u.name',
      (eb) => eb.selectFrom('RevokedAccessToken as x').select('x.jti').where('x.jti', '=', p('jti')).as('revokedJti'),
    ])
    .where(
      'r.id',
      '=',
      sql<string>`coalesce((select g.id from "BackchannelRequest" g where g."accessTokenJti" = ${p('jti')}), (select t."requestId" from "RefreshToken" t where t."accessTokenJti" = ${p('jti')}))`,
    ),
);

// ── Refresh tokens and revocation (RFC 6749 §6, RFC 7009) ─────────────────────

export type RefreshTokenInsert = Pick<
  Row<'RefreshToken'>,
  'id' | 'tenantId' | 'requestId' | 'clientId' | 'tokenHash' | 'scope' | 'accessTokenJti' | 'createdAt' | 'expiresAt'
>;

export const insertRefreshToken = defineQuery<RefreshTokenInsert>('insert-refresh-token', (db, p) =>
  db.insertInto('RefreshToken').values({
    id: p('id'),
    tenantId: p('tenantId'),
    requestId: p('requestId'),
    clientId: p('clientId'),
    tokenHash: p('tokenHash'),
    scope: p('scope'),
    accessTokenJti: p('accessTokenJti'),
    createdAt: p('createdAt'),
    expiresAt: p('expiresAt'),
  }),
);

export type RefreshTokenColumns = Pick<
  Row<'RefreshToken'>,
  'id' | 'tenantId' | 'requestId' | 'clientId' | 'scope' | 'createdAt' | 'expiresAt' | 'rotatedAt'
> &
  Pick<
    Row<'BackchannelRequest'>,
    'userId' | 'acr' | 'amr' | 'decidedAt' | 'tokensRevokedAt' | 'grantedAuthorizationDetails' | 'actorIssuer' | 'actorSub'
  > & {
    userSub: string;
    userBlocked: boolean;
  };

/** A refresh token by the hash of its value, with its grant and user: one read on unique and primary keys. */
export const selectRefreshToken = defineQuery<{ tokenHash: string }, RefreshTokenColumns>('refresh-token-by-hash', (db, p) =>
  db
    .selectFrom('RefreshToken as t')
    .innerJoin('BackchannelRequest as r', 'r.id', 't.requestId')
    .innerJoin('User as u', 'u.id', 'r.userId')
    .select([
      't.id',
      't.tenantId',
      't.requestId',
      't.clientId',
      't.scope',
      't.createdAt',
      't.expiresAt',
      't.rotatedAt',
      'r.userId',
      'r.acr',
      'r.amr',
      'r.decidedAt',
      'r.tokensRevokedAt',
      'r.grantedAuthorizationDetails',
      'r.actorIssuer',
      'r.actorSub',
      'u.sub as userSub',
      'u.blocked as userBlocked',
    ])
    .where('t.tokenHash', '=', p('tokenHash')),
);

/**
 * Rotates a refresh token: the single conditional update that lets exactly
 * one use of it win — only while it is unrotated and unexpired, its family
 * unrevoked, its user not blocked and its client still holding the
 * refresh_token grant.
 */
export const updateRotateRefreshToken = defineQuery<{ id: string; now: Date }>('rotate-refresh-token', (db, p) =>
  db
    .updateTable('RefreshToken')
    .set({ rotatedAt: p('now') })
    .where('id', '=', p('id'))
    .where('rotatedAt', 'is', null)
    .where('expiresAt', '>', p('now'))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('BackchannelRequest as r')
          .innerJoin('User as u', 'u.id', 'r.userId')
          .select('r.id')
          .whereRef('r.id', '=', 'RefreshToken.requestId')
          .where('r.tokensRevokedAt', 'is', null)
          .where('u.blocked', '=', false),
      ),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('Client')
          .select('Client.id')
          .whereRef('Client.id', '=', 'RefreshToken.clientId')
          .where(sql<boolean>`(' ' || ${sql.ref('Client.grantTypes')} || ' ') like ${'% refresh_token %'}`),
      ),
    ),
);

/** Records an access token revoked on its own until it expires; revoking it again changes nothing. */
export const insertRevokedAccessToken = defineQuery<Row<'RevokedAccessToken'>>('insert-revoked-access-token', (db, p) =>
  db
    .insertInto('RevokedAccessToken')
    .values({ jti: p('jti'), tenantId: p('tenantId'), expiresAt: p('expiresAt'), revokedAt: p('revokedAt') })
    .onConflict((conflict) => conflict.column('jti').doNothing()),
);

/**
 * Records a JWT id (`jti`) a client used (JwtIdUse): inserted, or written
 * over a row of the same jti that has expired; a live row of the same jti
 * makes it change nothing (0 rows), which is how a replay is told apart,
 * atomically, on every instance at once.
 */
export const insertJwtIdUse = defineQuery<Row<'JwtIdUse'> & { now: Date }>('insert-jwt-id-use', (db, p) =>
  db
    .insertInto('JwtIdUse')
    .values({ id: p('id'), clientId: p('clientId'), purpose: p('purpose'), jti: p('jti'), expiresAt: p('expiresAt') })
    .onConflict((conflict) =>
      conflict
        .columns(['clientId', 'purpose', 'jti'])
        .doUpdateSet({ id: (eb) => eb.ref('excluded.id'), expiresAt: (eb) => eb.ref('excluded.expiresAt') })
        .where('JwtIdUse.expiresAt', '<=', p('now')),
    ),
);

/** Deletes at most `limit` JwtIdUse rows whose JWT has expired. */
export const deleteExpiredJwtIdUses = defineQuery<{ now: Date; limit: number }>('delete-expired-jwt-id-uses', (db, p) =>
  db
    .deleteFrom('JwtIdUse')
    .where(
      'id',
      'in',
      db.selectFrom('JwtIdUse').select('id').where('expiresAt', '<=', p('now')).orderBy('expiresAt').limit(p('limit')),
    ),
);

// ── Admission: bc-authorize's abuse limits (lib/ciba/admission.ts) ────────────

/**
 * The parameters of an admission: the tenant and the hinted user, `now`,
 * `windowFloor` (now − the window's length: a window that started at or
 * before it is over), and the limits, each 0 for none.
 */
export type AdmissionParams = {
  tenantId: string;
  userId: string;
  /** The agent (actor_token) the request is counted for, besides its user; used only by the *WithAgent statements. */
  agentIssuer: string | null;
  agentSub: string | null;
  agentLimit: number;
  now: Date;
  windowFloor: Date;
  userLimit: number;
  tenantLimit: number;
  maxOutstanding: number;
};

type AdmissionParameter = ParameterFn<AdmissionParams>;

/**
 * Counts one more request for the user in its fixed one-minute window (a new
 * window opens at the first request after the last one is over), only while
 * under `userLimit`: one conditional upsert, atomic on both databases, so
 * concurrent requests of any number of instances never pass the limit
 * together. Returns a row only when counted. (SET's right-hand sides all read
 * the row as it was.)
 */
const userWindowUpsert = (p: AdmissionParameter) => sql`
  ON CONFLICT ("userId") DO UPDATE SET
    "windowStart" = CASE WHEN "UserUsage"."windowStart" <= ${p('windowFloor')} THEN excluded."windowStart" ELSE "UserUsage"."windowStart" END,
    "windowCount" = CASE WHEN "UserUsage"."windowStart" <= ${p('windowFloor')} THEN 1 ELSE "UserUsage"."windowCount" + 1 END
  WHERE ${p('userLimit')} = 0 OR "UserUsage"."windowStart" <= ${p('windowFloor')} OR "UserUsage"."windowCount" < ${p('userLimit')}
  RETURNING "windowCount"`;

/**
 * As userWindowUpsert for the tenant's window, and counts the request as
 * admitted only while the tenant's outstanding requests (admitted − released)
 * are under `maxOutstanding`. The WHERE reads the row's latest version under
 * its lock; the releases are read from the statement's snapshot, which can
 * only lag behind (count fewer): the cap may refuse a request that a release
 * committing at that very moment would have let in, never admit one too many.
 */
const tenantUsageUpsert = (p: AdmissionParameter) => sql`
  ON CONFLICT ("tenantId") DO UPDATE SET
    "windowStart" = CASE WHEN "TenantUsage"."windowStart" <= ${p('windowFloor')} THEN excluded."windowStart" ELSE "TenantUsage"."windowStart" END,
    "windowCount" = CASE WHEN "TenantUsage"."windowStart" <= ${p('windowFloor')} THEN 1 ELSE "TenantUsage"."windowCount" + 1 END,
    "admitted" = "TenantUsage"."admitted" + 1
  WHERE (${p('tenantLimit')} = 0 OR "TenantUsage"."windowStart" <= ${p('windowFloor')} OR "TenantUsage"."windowCount" < ${p('tenantLimit')})
    AND (${p('maxOutstanding')} = 0 OR "TenantUsage"."admitted" - (
      SELECT COALESCE(SUM("released"), 0) FROM "TenantRelease" WHERE "TenantRelease"."tenantId" = "TenantUsage"."tenantId"
    ) < ${p('maxOutstanding')})
  RETURNING "admitted"`;

/** SQLite: the user's count (inside bc-authorize's unit, which is rolled back when the tenant's refuses). */
export const upsertUserWindow = defineQuery<AdmissionParams, { windowCount: number }>('admit-user', (db, p) => ({
  compile: () =>
    sql<{ windowCount: number }>`
      INSERT INTO "UserUsage" ("userId", "windowStart", "windowCount") VALUES (${p('userId')}, ${p('now')}, 1)
      ${userWindowUpsert(p)}`.compile(db),
}));

/**
 * As userWindowUpsert for the agent's window (an actor_token's issuer and sub
 * within the tenant), under `agentLimit`.
 */
const agentWindowUpsert = (p: AdmissionParameter) => sql`
  ON CONFLICT ("tenantId", "agentIssuer", "agentSub") DO UPDATE SET
    "windowStart" = CASE WHEN "AgentUsage"."windowStart" <= ${p('windowFloor')} THEN excluded."windowStart" ELSE "AgentUsage"."windowStart" END,
    "windowCount" = CASE WHEN "AgentUsage"."windowStart" <= ${p('windowFloor')} THEN 1 ELSE "AgentUsage"."windowCount" + 1 END
  WHERE ${p('agentLimit')} = 0 OR "AgentUsage"."windowStart" <= ${p('windowFloor')} OR "AgentUsage"."windowCount" < ${p('agentLimit')}
  RETURNING "windowCount"`;

/** SQLite: the agent's count, after upsertUserWindow in the same unit (requests with an actor_token only). */
export const upsertAgentWindow = defineQuery<AdmissionParams, { windowCount: number }>('admit-agent', (db, p) => ({
  compile: () =>
    sql<{ windowCount: number }>`
      INSERT INTO "AgentUsage" ("tenantId", "agentIssuer", "agentSub", "windowStart", "windowCount")
      VALUES (${p('tenantId')}, ${p('agentIssuer')}, ${p('agentSub')}, ${p('now')}, 1)
      ${agentWindowUpsert(p)}`.compile(db),
}));

/** SQLite: the tenant's count and cap, after upsertUserWindow in the same unit. */
export const upsertTenantUsage = defineQuery<AdmissionParams, { admitted: number }>('admit-tenant', (db, p) => ({
  compile: () =>
    sql<{ admitted: number }>`
      INSERT INTO "TenantUsage" ("tenantId", "windowStart", "windowCount", "admitted") VALUES (${p('tenantId')}, ${p('now')}, 1, 1)
      ${tenantUsageUpsert(p)}`.compile(db),
}));

/** Which counts an admission made: 1 or 0 each (the tenant's is 0 whenever the user's is). */
export type AdmissionColumns = { userCounted: number; tenantCounted: number };

/**
 * PostgreSQL only: the user's count, then — only if it counted — the
 * tenant's, in ONE statement (one round trip). Run on its own, before the
 * request's insert, with asynchronous commit (see SqlEngine.executeRelaxed):
 * the counter rows are locked only for the statement, not for a WAL flush, so
 * a tenant's requests are serialised for microseconds, not milliseconds. A
 * request the tenant's limits refuse still counts for its user: it was an
 * attempt at that user.
 */
export const admitRequest = defineQuery<AdmissionParams, AdmissionColumns>('admit-request', (db, p) => ({
  compile: () =>
    sql<AdmissionColumns>`
      WITH counted_user AS (
        INSERT INTO "UserUsage" ("userId", "windowStart", "windowCount") VALUES (${p('userId')}, ${p('now')}, 1)
        ${userWindowUpsert(p)}
      ),
      counted_tenant AS (
        INSERT INTO "TenantUsage" ("tenantId", "windowStart", "windowCount", "admitted")
        SELECT ${p('tenantId')}::text, ${p('now')}::timestamp(3), 1, 1 FROM counted_user
        ${tenantUsageUpsert(p)}
      )
      SELECT (SELECT COUNT(*) FROM counted_user)::int AS "userCounted", (SELECT COUNT(*) FROM counted_tenant)::int AS "tenantCounted"`.compile(
      db,
    ),
}));

/** Which counts an admission with an agent made: 1 or 0 each (each is 0 whenever the one before it is). */
export type AgentAdmissionColumns = AdmissionColumns & { agentCounted: number };

/**
 * PostgreSQL only, for a request with an actor_token: as admitRequest, with
 * the agent's count between the user's and the tenant's (each counted only
 * if the one before it was), in one statement. Requests without an agent
 * keep admitRequest, unchanged.
 */
export const admitRequestWithAgent = defineQuery<AdmissionParams, AgentAdmissionColumns>('admit-request-with-agent', (db, p) => ({
  compile: () =>
    sql<AgentAdmissionColumns>`
      WITH counted_user AS (
        INSERT INTO "UserUsage" ("userId", "windowStart", "windowCount") VALUES (${p('userId')}, ${p('now')}, 1)
        ${userWindowUpsert(p)}
      ),
      counted_agent AS (
        INSERT INTO "AgentUsage" ("tenantId", "agentIssuer", "agentSub", "windowStart", "windowCount")
        SELECT ${p('tenantId')}::text, ${p('agentIssuer')}::text, ${p('agentSub')}::text, ${p('now')}::timestamp(3), 1 FROM counted_user
        ${agentWindowUpsert(p)}
      ),
      counted_tenant AS (
        INSERT INTO "TenantUsage" ("tenantId", "windowStart", "windowCount", "admitted")
        SELECT ${p('tenantId')}::text, ${p('now')}::timestamp(3), 1, 1 FROM counted_agent
        ${tenantUsageUpsert(p)}
      )
      SELECT (SELECT COUNT(*) FROM counted_user)::int AS "userCounted",
        (SELECT COUNT(*) FROM counted_agent)::int AS "agentCounted",
        (SELECT COUNT(*) FROM counted_tenant)::int AS "tenantCounted"`.compile(db),
}));

/** The agent's current window (a refusal's Retry-After). */
export const selectAgentWindow = defineQuery<
  { tenantId: string; agentIssuer: string; agentSub: string },
  Pick<Row<'AgentUsage'>, 'windowStart' | 'windowCount'>
>('agent-window', (db, p) =>
  db
    .selectFrom('AgentUsage')
    .select(['windowStart', 'windowCount'])
    .where('tenantId', '=', p('tenantId'))
    .where('agentIssuer', '=', p('agentIssuer'))
    .where('agentSub', '=', p('agentSub')),
);

/** A tenant's trusted issuer by its `iss` (actor_token at bc-authorize): one read on the unique (tenantId, issuer). */
export const selectTrustedIssuer = defineQuery<
  { tenantId: string; issuer: string },
  Pick<Row<'TrustedIssuer'>, 'id' | 'jwks' | 'jwksUri'>
>('trusted-issuer', (db, p) =>
  db
    .selectFrom('TrustedIssuer')
    .select(['id', 'jwks', 'jwksUri'])
    .where('tenantId', '=', p('tenantId'))
    .where('issuer', '=', p('issuer')),
);

/**
 * One request of the tenant finished (redeemed, denied, cancelled, expired)
 * or was deleted unfinished: written in the unit that finished it, on one of
 * RELEASE_SHARDS rows chosen at random, so concurrent units rarely wait for each other.
 */
export const upsertRelease = defineQuery<{ tenantId: string; shard: number; count: number }>('release-request', (db, p) =>
  db
    .insertInto('TenantRelease')
    .values({ tenantId: p('tenantId'), shard: p('shard'), released: p('count') })
    .onConflict((conflict) =>
      conflict.columns(['tenantId', 'shard']).doUpdateSet((eb) => ({ released: eb('TenantRelease.released', '+', p('count')) })),
    ),
);

/** The user's current window (a refusal's Retry-After). */
export const selectUserWindow = defineQuery<{ userId: string }, Pick<Row<'UserUsage'>, 'windowStart' | 'windowCount'>>(
  'user-window',
  (db, p) => db.selectFrom('UserUsage').select(['windowStart', 'windowCount']).where('userId', '=', p('userId')),
);

/** The tenant's current window and admitted count (a refusal's reason and Retry-After). */
export const selectTenantUsage = defineQuery<
  { tenantId: string },
  Pick<Row<'TenantUsage'>, 'windowStart' | 'windowCount' | 'admitted'>
>('tenant-usage', (db, p) =>
  db.selectFrom('TenantUsage').select(['windowStart', 'windowCount', 'admitted']).where('tenantId', '=', p('tenantId')),
);

/** The earliest deadline of the tenant's requests in one unfinished status: one seek on (tenantId, status, expiresAt). */
export const selectEarliestExpiry = defineQuery<{ tenantId: string; status: RequestStatus }, { expiresAt: Date }>(
  'earliest-expiry',
  (db, p) =>
    db
      .selectFrom('BackchannelRequest')
      .select('expiresAt')
      .where('tenantId', '=', p('tenantId'))
      .where('status', '=', p('status'))
      .orderBy('expiresAt')
      .limit(1),
);

// ── Approval links ────────────────────────────────────────────────────────────

type ApprovalLinkInsert = Pick<Row<'ApprovalLink'>, 'id' | 'requestId' | 'tokenHash' | 'channel' | 'createdAt'>;

const approvalLinkValues = (v: ValueOf<ApprovalLinkInsert>) => ({
  id: v('id'),
  requestId: v('requestId'),
  tokenHash: v('tokenHash'),
  channel: v('channel'),
  createdAt: v('createdAt'),
});

export const insertApprovalLink = defineQuery<ApprovalLinkInsert>('insert-approval-link', (db, p) =>
  db.insertInto('ApprovalLink').values(approvalLinkValues(p)),
);

/** Consumes a link of this request, once. */
export const updateConsumeLink = defineQuery<{ id: string; requestId: string; now: Date }>('consume-approval-link', (db, p) =>
  db
    .updateTable('ApprovalLink')
    .set({ usedAt: p('now') })
    .where('id', '=', p('id'))
    .where('requestId', '=', p('requestId'))
    .where('usedAt', 'is', null),
);

export const selectLinkState = defineQuery<{ id: string }, Pick<Row<'ApprovalLink'>, 'requestId' | 'usedAt'>>(
  'approval-link-state',
  (db, p) => db.selectFrom('ApprovalLink').select(['requestId', 'usedAt']).where('id', '=', p('id')),
);

export type ApprovalColumns = {
  linkId: string;
  linkCreatedAt: Date;
  usedAt: Date | null;
  requestId: string;
  scope: string;
  bindingMessage: string | null;
  /** The authorization_details requested (a JSON array), or null. */
  authorizationDetails: string | null;
  status: RequestStatus;
  expiresAt: Date;
  createdAt: Date;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  clientId: string;
  clientName: string;
  userId: string;
  userEmail: string;
  userName: string | null;
  /** The agent acting for the user (a verified actor_token), null without one. */
  actorSub: string | null;
  actorName: string | null;
  actorFor: string | null;
  /** The authentication level selected at bc-authorize (ACR_PASSKEY: only a passkey approval satisfies it). */
  acr: string | null;
  /** Tenant.requirePasskeyApproval and Client.requirePasskeyApproval: the passkey policy of the emailed page. */
  tenantRequiresPasskey: boolean;
  clientRequiresPasskey: boolean;
};

/** An approval link with its request, tenant, client and user: what the approval page and email show. */
const selectApprovalView = (db: Kysely<Database>) =>
  db
    .selectFrom('ApprovalLink as l')
    .innerJoin('BackchannelRequest as r', 'r.id', 'l.requestId')
    .innerJoin('Tenant as t', 't.id', 'r.tenantId')
    .innerJoin('Client as c', 'c.id', 'r.clientId')
    .innerJoin('User as u', 'u.id', 'r.userId')
    .select([
      'l.id as linkId',
      'l.createdAt as linkCreatedAt',
      'l.usedAt',
      'r.id as requestId',
      'r.scope',
      'r.bindingMessage',
      'r.authorizationDetails',
      'r.status',
      'r.expiresAt',
      'r.createdAt',
      't.id as tenantId',
      't.slug as tenantSlug',
      't.name as tenantName',
      'c.id as clientId',
      'c.name as clientName',
      'u.id as userId',
      'u.email as userEmail',
      'u.name as userName',
      'r.actorSub',
      'r.actorName',
      'r.actorFor',
      'r.acr',
      't.requirePasskeyApproval as tenantRequiresPasskey',
      'c.requirePasskeyApproval as clientRequiresPasskey',
    ]);

export const selectApprovalByTokenHash = defineQuery<{ tokenHash: string }, ApprovalColumns>('approval-by-token-hash', (db, p) =>
  selectApprovalView(db).where('l.tokenHash', '=', p('tokenHash')),
);

/**
 * The same view for several links at once (`linkIds`: a JSON array of ids; unknown ids are left
 * out): the approval emails of one outbox claim are rendered from it when sent.
 */
export const selectApprovalsByLinkIds = defineQuery<{ linkIds: string }, ApprovalColumns>(
  'approvals-by-link-ids',
  (db, p, dialect) =>
    selectApprovalView(db).where(
      sql<boolean>`${sql.ref('l.id')} in (${
        dialect === 'sqlite'
          ? sql`select value from json_each(${p('linkIds')})`
          : sql`select jsonb_array_elements_text(${p('linkIds')}::jsonb)`
      })`,
    ),
);

// ── Authenticator devices (passkeys) ──────────────────────────────────────────

/** Whether the user has at least one enrolled authenticator (bc-authorize's passkey level; one index probe). */
export const selectHasAuthenticatorDevice = defineQuery<{ tenantId: string; userId: string }, { id: string }>(
  'user-has-authenticator-device',
  (db, p) =>
    db
      .selectFrom('AuthenticatorDevice')
      .select('id')
      .where('userId', '=', p('userId'))
      .where('tenantId', '=', p('tenantId'))
      .limit(1),
);

/** The user's enrolled passkeys (WebAuthn allowCredentials), oldest first. */
export const selectAuthenticatorCredentials = defineQuery<
  { tenantId: string; userId: string },
  Pick<Row<'AuthenticatorDevice'>, 'credentialId' | 'transports'>
>('user-authenticator-credentials', (db, p) =>
  db
    .selectFrom('AuthenticatorDevice')
    .select(['credentialId', 'transports'])
    .where('userId', '=', p('userId'))
    .where('tenantId', '=', p('tenantId'))
    .orderBy('createdAt'),
);

// ── Events ────────────────────────────────────────────────────────────────────

const eventValues = (v: ValueOf<Row<'Event'>>) => ({
  id: v('id'),
  tenantId: v('tenantId'),
  type: v('type'),
  actor: v('actor'),
  requestId: v('requestId'),
  clientId: v('clientId'),
  userId: v('userId'),
  detail: v('detail'),
  createdAt: v('createdAt'),
});

export const insertEvent = defineQuery<Row<'Event'>>('insert-event', (db, p) => db.insertInto('Event').values(eventValues(p)));

export const selectRequestEvents = defineQuery<{ requestId: string }, Row<'Event'>>('request-events', (db, p) =>
  db.selectFrom('Event').selectAll().where('requestId', '=', p('requestId')).orderBy('id'),
);

/** Events with an id above `after`, in id (creation) order: the event feed's tail, read on the primary key. */
export const selectEventsAfter = defineQuery<{ after: string; limit: number }, Row<'Event'>>('events-after', (db, p) =>
  db.selectFrom('Event').selectAll().where('id', '>', p('after')).orderBy('id').limit(p('limit')),
);

/**
 * Deletes the oldest events with an id below `before` (minTimeOrderedId of
 * the cutoff: event ids are UUIDv7, so this is "created before the cutoff"
 * read on the primary key, with no index of its own), at most `limit` of
 * them. The subquery bounds the batch: SQLite has no DELETE … LIMIT by default.
 */
export const deleteEventsBefore = defineQuery<{ before: string; limit: number }>('delete-events-before', (db, p) =>
  db
    .deleteFrom('Event')
    .where('id', 'in', db.selectFrom('Event').select('id').where('id', '<', p('before')).orderBy('id').limit(p('limit'))),
);

/** At most `limit` revocation records of access tokens that expired by `now` (they can no longer be used anyway). */
export const deleteExpiredRevokedAccessTokens = defineQuery<{ now: Date; limit: number }>(
  'delete-expired-revoked-access-tokens',
  (db, p) =>
    db
      .deleteFrom('RevokedAccessToken')
      .where(
        'jti',
        'in',
        db
          .selectFrom('RevokedAccessToken')
          .select('jti')
          .where('expiresAt', '<=', p('now'))
          .orderBy('expiresAt')
          .limit(p('limit')),
      ),
);

/**
 * At most `limit` refresh tokens expired by `now`: no use can succeed any
 * more, and a rotated one's successors expire no earlier, so reuse
 * detection loses nothing that still matters.
 */
export const deleteExpiredRefreshTokens = defineQuery<{ now: Date; limit: number }>('delete-expired-refresh-tokens', (db, p) =>
  db
    .deleteFrom('RefreshToken')
    .where('id', 'in', db.selectFrom('RefreshToken').select('id').where('expiresAt', '<=', p('now')).limit(p('limit'))),
);

// ── Outbox ────────────────────────────────────────────────────────────────────

type OutboxInsert = Pick<
  Row<'OutboxMessage'>,
  'id' | 'tenantId' | 'requestId' | 'type' | 'payload' | 'encryptedSecret' | 'availableAt' | 'createdAt'
>;

const outboxValues = (v: ValueOf<OutboxInsert>) => ({
  id: v('id'),
  tenantId: v('tenantId'),
  requestId: v('requestId'),
  type: v('type'),
  payload: v('payload'),
  encryptedSecret: v('encryptedSecret'),
  status: 'pending' as const,
  attempts: 0,
  availableAt: v('availableAt'),
  createdAt: v('createdAt'),
});

export const insertOutboxMessage = defineQuery<OutboxInsert>('insert-outbox-message', (db, p) =>
  db.insertInto('OutboxMessage').values(outboxValues(p)),
);

/** The parameters of insertRequestBundle: the request's columns, and the link's, the message's and the event's in groups. */
export type RequestBundleParams = {
  request: RequestInsert;
  link: ApprovalLinkInsert;
  outbox: OutboxInsert;
  event: Row<'Event'>;
};

/**
 * PostgreSQL only: a request with its approval link, one outbox message and
 * one event in ONE statement (data-modifying CTEs; foreign keys are checked
 * at its end), so bc-authorize is one round trip and needs no BEGIN/COMMIT.
 * SQLite has no DML in CTEs: there the same rows go through the group commit
 * as separate statements. Never prepared on SQLite.
 */
export const insertRequestBundle = defineQuery<RequestBundleParams>('insert-request-bundle', (db, p) =>
  db
    .with('request', (cte) => cte.insertInto('BackchannelRequest').values(requestValues(grouped(p, 'request'))))
    .with('link', (cte) => cte.insertInto('ApprovalLink').values(approvalLinkValues(grouped(p, 'link'))))
    .with('outbox', (cte) => cte.insertInto('OutboxMessage').values(outboxValues(grouped(p, 'outbox'))))
    .insertInto('Event')
    .values(eventValues(grouped(p, 'event'))),
);

export type ClaimedColumns = Pick<
  Row<'OutboxMessage'>,
  'id' | 'tenantId' | 'requestId' | 'type' | 'payload' | 'encryptedSecret' | 'attempts' | 'createdAt'
> & { leasedAt: Date };

type ClaimParams = { owner: string; now: Date; leaseExpiresAt: Date; limit: number };

/**
 * Claims up to `limit` due messages for `owner` until `leaseExpiresAt`:
 * pending, available, and `lease`: never leased since their last attempt
 * (`fresh`), or leased by a worker that died (`lapsed`). Each claim counts an
 * attempt and notes when it started (`leasedAt`). On PostgreSQL,
 * `FOR UPDATE SKIP LOCKED` keeps concurrent workers off each other's rows; on
 * SQLite one writer runs at a time, so the statement alone is enough.
 */
const claimOutbox = (name: string, lease: 'fresh' | 'lapsed') =>
  defineQuery<ClaimParams, ClaimedColumns>(name, (db, p, dialect) =>
    db
      .updateTable('OutboxMessage')
      .set((eb) => ({
        leaseOwner: p('owner'),
        leasedAt: p('now'),
        leaseExpiresAt: p('leaseExpiresAt'),
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', (eb) => {
        const due = eb
          .selectFrom('OutboxMessage')
          .select('id')
          .where('status', '=', 'pending')
          .where('availableAt', '<=', p('now'))
          .where('leaseExpiresAt', lease === 'fresh' ? 'is' : '<=', lease === 'fresh' ? null : p('now'))
          .orderBy('availableAt')
          .limit(p('limit'));

        return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
      })
      .returning(['id', 'tenantId', 'requestId', 'type', 'payload', 'encryptedSecret', 'attempts', 'createdAt', 'leasedAt']),
  );

/** The worker's usual claim: messages no worker holds. */
export const updateClaimOutbox = claimOutbox('claim-outbox', 'fresh');

/** Takes over messages whose worker died (checked now and then: a lease lasts a minute). */
export const updateReclaimOutbox = claimOutbox('reclaim-outbox', 'lapsed');

/**
 * Records, as interrupted, the attempt of every pending message whose lease
 * lapsed with no outcome (its worker died mid-attempt): run before a claim
 * takes such messages over. Idempotent: two workers may both record one.
 */
export const insertInterruptedAttempts = defineQuery<{ now: Date }>('record-interrupted-outbox-attempts', (db, p) =>
  db
    .insertInto('OutboxAttempt')
    .columns(['messageId', 'attempt', 'startedAt', 'finishedAt', 'outcome'])
    .expression((eb) =>
      eb
        .selectFrom('OutboxMessage')
        .select((select) => [
          'id',
          'attempts',
          select.fn.coalesce('leasedAt', 'createdAt').as('startedAt'),
          select.val(p('now')).as('finishedAt'),
          select.val('interrupted').as('outcome'),
        ])
        .where('status', '=', 'pending')
        .where('leaseExpiresAt', '<=', p('now')),
    )
    .onConflict((conflict) => conflict.columns(['messageId', 'attempt']).doNothing()),
);

/**
 * Records, as interrupted, the attempt of every pending message `owner`
 * still leases: the first half of releasing them (a worker that stops
 * mid-delivery, lib/outbox/outbox-worker.ts `release`).
 */
export const insertReleasedAttempts = defineQuery<{ owner: string; now: Date }>('record-released-outbox-attempts', (db, p) =>
  db
    .insertInto('OutboxAttempt')
    .columns(['messageId', 'attempt', 'startedAt', 'finishedAt', 'outcome'])
    .expression((eb) =>
      eb
        .selectFrom('OutboxMessage')
        .select((select) => [
          'id',
          'attempts',
          select.fn.coalesce('leasedAt', 'createdAt').as('startedAt'),
          select.val(p('now')).as('finishedAt'),
          select.val('interrupted').as('outcome'),
        ])
        .where('status', '=', 'pending')
        .where('leaseOwner', '=', p('owner')),
    )
    .onConflict((conflict) => conflict.columns(['messageId', 'attempt']).doNothing()),
);

/**
 * Gives up `owner`'s leases on its pending messages: they are claimable at
 * once by any worker's usual claim (their next attempt counts on from the
 * interrupted one), instead of after the lease would have lapsed.
 */
export const updateReleaseOutbox = defineQuery<{ owner: string }>('release-outbox-leases', (db, p) =>
  db
    .updateTable('OutboxMessage')
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where('status', '=', 'pending')
    .where('leaseOwner', '=', p('owner')),
);

export type AttemptRow = Row<'OutboxAttempt'>;

/**
 * A finished attempt, written once with its outcome; it replaces an
 * "interrupted" guess recorded after its lease lapsed (the worker was slow,
 * not dead, and its outcome is the truth).
 */
export const upsertOutboxAttempt = defineQuery<AttemptRow>('record-outbox-attempt', (db, p) =>
  db
    .insertInto('OutboxAttempt')
    .values({
      messageId: p('messageId'),
      attempt: p('attempt'),
      startedAt: p('startedAt'),
      finishedAt: p('finishedAt'),
      outcome: p('outcome'),
      providerMessageId: p('providerMessageId'),
      error: p('error'),
    })
    .onConflict((conflict) =>
      conflict.columns(['messageId', 'attempt']).doUpdateSet((eb) => ({
        finishedAt: eb.ref('excluded.finishedAt'),
        outcome: eb.ref('excluded.outcome'),
        providerMessageId: eb.ref('excluded.providerMessageId'),
        error: eb.ref('excluded.error'),
      })),
    ),
);

export type SettleParams = {
  id: string;
  owner: string;
  status: OutboxStatus;
  availableAt: Date;
  providerMessageId: string | null;
  lastError: string | null;
  finishedAt: Date | null;
  encryptedSecret: string | null;
};

/**
 * Settles a claimed message after an attempt, only while `owner` still holds
 * the lease: delivered or failed for good (the secret erased, unless the
 * settlement keeps it: the development outbox), or pending again from
 * `availableAt` (back-off, the secret kept).
 */
export const updateSettleOutbox = defineQuery<SettleParams>('settle-outbox', (db, p) =>
  db
    .updateTable('OutboxMessage')
    .set({
      status: p('status'),
      availableAt: p('availableAt'),
      providerMessageId: p('providerMessageId'),
      lastError: p('lastError'),
      finishedAt: p('finishedAt'),
      leaseOwner: null,
      leaseExpiresAt: null,
      encryptedSecret: p('encryptedSecret'),
    })
    .where('id', '=', p('id'))
    .where('leaseOwner', '=', p('owner')),
);

/**
 * PostgreSQL only: a whole batch of outcomes in ONE statement, so one round
 * trip and one commit (one WAL flush) settle every message of a claim. Each
 * attempt is recorded; each message settles only while `owner` still holds
 * its lease, and only a settled message's events are written (and its
 * request's tokens revoked, when `revokeRequestId` asks: a push that finally failed;
 * and a device's Web Push subscription removed, when `unsubscribeDeviceId` asks). `settlements`
 * and `events` are JSON arrays (SettlementRecord, EventRecord plus the
 * `messageId` it belongs to); resolves to the ids that settled. Timestamps
 * travel as ISO-8601 in UTC, stored as their UTC wall time like every other.
 */
export const settleOutboxBatch = defineQuery<{ owner: string; settlements: string; events: string }, { id: string }>(
  'settle-outbox-batch',
  (db, p) => ({
    compile: () =>
      sql<{ id: string }>`
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(${p('settlements')}::jsonb) AS input(
            "messageId" text, "attempt" int, "startedAt" timestamp(3), "finishedAt" timestamp(3), "outcome" text,
            "providerMessageId" text, "error" text, "status" text, "availableAt" timestamp(3),
            "messageFinishedAt" timestamp(3), "encryptedSecret" text, "revokeRequestId" text,
            "unsubscribeDeviceId" text, "unsubscribeEndpoint" text)
        ),
        attempts AS (
          INSERT INTO "OutboxAttempt" ("messageId", "attempt", "startedAt", "finishedAt", "outcome", "providerMessageId", "error")
          SELECT "messageId", "attempt", "startedAt", "finishedAt", "outcome", "providerMessageId", "error" FROM input
          ON CONFLICT ("messageId", "attempt") DO UPDATE SET
            "finishedAt" = excluded."finishedAt", "outcome" = excluded."outcome",
            "providerMessageId" = excluded."providerMessageId", "error" = excluded."error"
        ),
        settled AS (
          UPDATE "OutboxMessage" AS message SET
            "status" = input."status"::"OutboxStatus", "availableAt" = input."availableAt",
            "providerMessageId" = input."providerMessageId", "lastError" = input."error",
            "finishedAt" = input."messageFinishedAt", "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
            "encryptedSecret" = input."encryptedSecret"
          FROM input
          WHERE message."id" = input."messageId" AND message."leaseOwner" = ${p('owner')}
          RETURNING message."id"
        ),
        events AS (
          INSERT INTO "Event" ("id", "tenantId", "type", "actor", "requestId", "clientId", "userId", "detail", "createdAt")
          SELECT "id", "tenantId", "type", "actor", "requestId", "clientId", "userId", "detail", "createdAt"
          FROM jsonb_to_recordset(${p('events')}::jsonb) AS event(
            "messageId" text, "id" text, "tenantId" text, "type" text, "actor" text, "requestId" text,
            "clientId" text, "userId" text, "detail" text, "createdAt" timestamp(3))
          WHERE event."messageId" IN (SELECT "id" FROM settled)
        ),
        revoked AS (
          UPDATE "BackchannelRequest" AS request SET "tokensRevokedAt" = input."finishedAt"
          FROM input
          WHERE request."id" = input."revokeRequestId" AND input."messageId" IN (SELECT "id" FROM settled)
            AND request."status" = 'redeemed' AND request."tokensRevokedAt" IS NULL
        ),
        unsubscribed AS (
          UPDATE "AuthenticatorDevice" AS device SET "pushEndpoint" = NULL, "pushKeys" = NULL
          FROM input
          WHERE device."id" = input."unsubscribeDeviceId" AND device."pushEndpoint" = input."unsubscribeEndpoint"
            AND input."messageId" IN (SELECT "id" FROM settled)
        )
        SELECT "id" FROM settled`.compile(db),
  }),
);

/**
 * Replaces a message's sealed secret (a push callback's, once its tokens are
 * minted: written in the unit that redeems the request, so every later
 * attempt sends the same tokens).
 */
export const updateOutboxSecret = defineQuery<{ id: string; encryptedSecret: string }>('update-outbox-secret', (db, p) =>
  db
    .updateTable('OutboxMessage')
    .set({ encryptedSecret: p('encryptedSecret') })
    .where('id', '=', p('id')),
);

export const selectOutboxMessage = defineQuery<{ id: string }, Row<'OutboxMessage'>>('outbox-message', (db, p) =>
  db.selectFrom('OutboxMessage').selectAll().where('id', '=', p('id')),
);

export const selectOutboxAttempts = defineQuery<{ messageId: string }, Row<'OutboxAttempt'>>('outbox-attempts', (db, p) =>
  db.selectFrom('OutboxAttempt').selectAll().where('messageId', '=', p('messageId')).orderBy('attempt'),
);

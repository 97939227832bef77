import type { Db } from '@/lib/db/client';
import type { FormParams } from '@/lib/http/protocol-http';
import type { ProtocolStore, UserRow } from '@/lib/store/protocol-store';
import type { ClientRecord } from '@/lib/clients/client-record';
import { verifyLoginHintToken } from '@/lib/ciba/verify-login-hint-token';
import { invalidRequest, unknownUserId } from '@/lib/oauth/errors';
import { verifyIdTokenHint } from '@/lib/oauth/tokens';

export type UserRecord = UserRow;

export type Hint =
  { kind: 'login_hint'; value: string } | { kind: 'id_token_hint'; value: string } | { kind: 'login_hint_token'; value: string };

const HINT_KINDS = ['login_hint', 'id_token_hint', 'login_hint_token'] as const;

/** Longest hint we look at; anything longer cannot name a user of ours. */
const MAX_HINT_LENGTH = 8192;

/**
 * The request's one hint (CIBA §7.1: "one (and only one) of the hints").
 * @throws invalid_request for zero or several hints (CIBA §7.2 step 3, §13).
 */
export const selectExactlyOneHint = (params: FormParams): Hint => {
  const present = HINT_KINDS.filter((kind) => params.has(kind));
  if (present.length === 0) {
    throw invalidRequest('One of login_hint, id_token_hint or login_hint_token is required.');
  }
  if (present.length > 1) {
    throw invalidRequest('Only one of login_hint, id_token_hint or login_hint_token may be sent.');
  }
  const kind = present[0];

  return { kind, value: params.get(kind)! };
};

type IssSubHint = { format: 'iss_sub'; iss: string; sub: string };

const parseIssSubHint = (value: string): IssSubHint => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidRequest('login_hint is not valid JSON.');
  }
  const hint = parsed as Partial<IssSubHint> | null;
  if (
    typeof hint !== 'object' ||
    hint === null ||
    Array.isArray(hint) ||
    hint.format !== 'iss_sub' ||
    typeof hint.iss !== 'string' ||
    typeof hint.sub !== 'string'
  ) {
    throw invalidRequest('A JSON login_hint must be {"format":"iss_sub","iss":"<issuer>","sub":"<subject>"}.');
  }

  return hint as IssSubHint;
};

/**
 * Finds the user a `login_hint` names within the tenant: an email address
 * (compared lower-cased), a subject identifier, or Auth0's JSON form
 * `{"format":"iss_sub","iss":…,"sub":…}` whose `iss` must be this tenant's issuer.
 */
const findUserByLoginHint = async (store: ProtocolStore, tenantId: string, issuer: string, loginHint: string) => {
  if (loginHint.trimStart().startsWith('{')) {
    const { iss, sub } = parseIssSubHint(loginHint);
    if (iss !== issuer) return null;

    return store.findUserBySub(tenantId, sub);
  }
  if (loginHint.includes('@')) return store.findUserByEmail(tenantId, loginHint.trim().toLowerCase());

  return store.findUserBySub(tenantId, loginHint);
};

/**
 * The `sub` of an id_token_hint (CIBA §7.1): an ID token this tenant issued
 * to this client. An expired one is accepted only within the client's
 * `id_token_hint_grace_period` (seconds past its `exp`; default 0: none).
 *
 * @throws invalid_request for a token we did not issue to this client, and for
 * one expired beyond the grace — CIBA §13 has no code for an expired
 * id_token_hint (`expired_login_hint_token` names the other parameter).
 */
const subOfIdTokenHint = async (
  db: Db,
  options: {
    tenantId: string;
    issuer: string;
    client: Pick<ClientRecord, 'clientId' | 'idTokenHintGracePeriod'>;
    token: string;
    now: Date;
  },
): Promise<string> => {
  const { client, now } = options;
  let payload: Awaited<ReturnType<typeof verifyIdTokenHint>>;
  try {
    payload = await verifyIdTokenHint(db, {
      tenantId: options.tenantId,
      issuer: options.issuer,
      clientId: client.clientId,
      token: options.token,
    });
  } catch {
    throw invalidRequest('The id_token_hint is not an ID token this provider issued to this client.');
  }
  if (typeof payload.exp !== 'number' || payload.exp + client.idTokenHintGracePeriod <= now.getTime() / 1000) {
    throw invalidRequest(
      client.idTokenHintGracePeriod === 0
        ? 'The id_token_hint has expired.'
        : "The id_token_hint expired longer ago than this client's id_token_hint_grace_period.",
    );
  }

  return payload.sub;
};

/**
 * Resolves the hint to a user of this tenant (CIBA §7.2 steps 4–5).
 * @throws unknown_user_id when no user matches or the user is blocked;
 *   expired_login_hint_token for an expired login_hint_token;
 *   invalid_request for a malformed hint, an id_token_hint this tenant did
 *   not issue to this client or expired beyond the client's grace, or a
 *   login_hint_token from an issuer the tenant does not trust (lib/ciba/verify-login-hint-token.ts).
 */
export const resolveHintedUser = async (
  { db, store }: { db: Db; store: ProtocolStore },
  options: {
    tenantId: string;
    issuer: string;
    client: Pick<ClientRecord, 'clientId' | 'idTokenHintGracePeriod'>;
    hint: Hint;
    now: Date;
  },
): Promise<UserRecord> => {
  const { tenantId, issuer, hint, now } = options;
  if (hint.value.length > MAX_HINT_LENGTH) throw invalidRequest(`The ${hint.kind} is too long.`);
  let user: UserRecord | null;
  switch (hint.kind) {
    case 'login_hint':
      user = await findUserByLoginHint(store, tenantId, issuer, hint.value);
      break;
    case 'id_token_hint': {
      const sub = await subOfIdTokenHint(db, { tenantId, issuer, client: options.client, token: hint.value, now });
      user = await store.findUserBySub(tenantId, sub);
      break;
    }
    case 'login_hint_token': {
      const named = await verifyLoginHintToken((id, iss) => store.findTrustedIssuer(id, iss), {
        token: hint.value,
        tenantId,
        issuer,
        now,
      });
      user =
        named.by === 'sub'
          ? await store.findUserBySub(tenantId, named.sub)
          : named.by === 'email'
            ? await store.findUserByEmail(tenantId, named.email)
            : null;
      break;
    }
  }
  if (!user) throw unknownUserId();
  // A blocked user is not revealed as such (contract.md): the client learns only that the hint names nobody.
  if (user.blocked) throw unknownUserId('the user is blocked');

  return user;
};

import type { Db } from '@/lib/db/client';
import type { FormParams } from '@/lib/http/protocol-http';
import type { ProtocolStore, UserRow } from '@/lib/store/protocol-store';
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
 * Resolves the hint to a user of this tenant (CIBA §7.2 steps 4–5).
 * @throws unknown_user_id when no user matches or the user is blocked; invalid_request for a
 *   malformed hint, an id_token_hint this tenant did not issue to this
 *   client, or a login_hint_token (not supported).
 */
export const resolveHintedUser = async (
  { db, store }: { db: Db; store: ProtocolStore },
  options: { tenantId: string; issuer: string; clientId: string; hint: Hint },
): Promise<UserRecord> => {
  const { tenantId, issuer, hint } = options;
  if (hint.value.length > MAX_HINT_LENGTH) throw invalidRequest(`The ${hint.kind} is too long.`);
  let user: UserRecord | null;
  switch (hint.kind) {
    case 'login_hint':
      user = await findUserByLoginHint(store, tenantId, issuer, hint.value);
      break;
    case 'id_token_hint': {
      let sub: string;
      try {
        ({ sub } = await verifyIdTokenHint(db, { tenantId, issuer, clientId: options.clientId, token: hint.value }));
      } catch {
        throw invalidRequest('The id_token_hint is not an ID token this provider issued to this client.');
      }
      user = await store.findUserBySub(tenantId, sub);
      break;
    }
    case 'login_hint_token':
      throw invalidRequest('login_hint_token is not supported; send login_hint or id_token_hint.');
  }
  if (!user) throw unknownUserId();
  // A blocked user is not revealed as such (contract.md): the client learns only that the hint names nobody.
  if (user.blocked) throw unknownUserId('the user is blocked');

  return user;
};

import { hashUserCode } from '@/lib/ciba/user-code-hash';
import { ZUserCodeSchema } from '@/lib/admin/user-fields';
import { getEnv } from '@/lib/env';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
import { sealOutboxSecret } from '@/lib/outbox/outbox-secret';
import { wakeOutbox } from '@/lib/outbox/wake-outbox';
import { isSameOriginPost, verifyCsrfToken } from '@/lib/security/csrf';
import type { ProtocolStore, UserCodeLinkRow } from '@/lib/store/protocol-store';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

/**
 * User self-service for user codes (CIBA §7.1.2): a user sets their own code
 * without an administrator. They give their email on `/t/<tenant>/user-code`;
 * if it names an (unblocked) user of the tenant, a one-time link is emailed
 * through the outbox (the approval email's path); the link opens a form that
 * sets the code. The answer to the email form is the same whether or not the
 * email is a user's. The link token is stored only as its SHA-256, works
 * once, for USER_CODE_LINK_TTL_MS.
 */

/** How long an emailed link works: 15 minutes. */
export const USER_CODE_LINK_TTL_MS = 15 * 60 * 1000;

/** At most one link email per user per minute (an inbox cannot be flooded through the form). */
export const USER_CODE_LINK_COOLDOWN_MS = 60 * 1000;

/** Link tokens: 256 bits. */
const LINK_TOKEN_BYTES = 32;

/** CSRF purposes of the two forms; bindings: the tenant slug, and the link's token hash. */
export const USER_CODE_REQUEST_CSRF_PURPOSE = 'user-code-request';
export const USER_CODE_SET_CSRF_PURPOSE = 'user-code-set';

export const USER_CODE_EMAIL_TYPE = 'user_code_email';

/** The outbox payload of the link email: which link (its token travels sealed). No secret. */
export type UserCodeEmailPayload = { linkId: string; userId: string };

/** The page a link opens: by path, under the tenant. */
export const userCodePagePath = (tenantSlug: string): string => `/t/${encodeURIComponent(tenantSlug)}/user-code`;

export const userCodeLinkUrl = (tenantSlug: string, token: string): string =>
  `${getEnv().appUrl}${userCodePagePath(tenantSlug)}/${encodeURIComponent(token)}`;

type Headers = Pick<globalThis.Headers, 'get'>;

export type RequestUserCodeLinkInput = {
  tenantSlug: string;
  email: unknown;
  csrfToken: unknown;
  headers: Headers;
  now?: Date;
};

/**
 * Handles the email form: same-origin and CSRF checks, then — only if the
 * email names an unblocked user of the tenant who got no link in the last
 * minute — a link and its email's outbox message, in one unit. Returns
 * `sent` for every well-formed request (never whether the email is a
 * user's), `invalid` for a forged or malformed one; `detail` is for the log.
 */
export const requestUserCodeLink = async (
  store: ProtocolStore,
  input: RequestUserCodeLinkInput,
): Promise<{ outcome: 'sent' | 'invalid'; detail?: string }> => {
  const now = input.now ?? new Date();
  const { tenantSlug } = input;
  if (!isSameOriginPost(input.headers, getEnv().appUrl)) return { outcome: 'invalid', detail: 'cross-origin POST' };
  if (!verifyCsrfToken(USER_CODE_REQUEST_CSRF_PURPOSE, tenantSlug, input.csrfToken)) {
    return { outcome: 'invalid', detail: 'bad CSRF token' };
  }
  if (typeof input.email !== 'string' || input.email.length > 254 || !input.email.includes('@')) {
    return { outcome: 'invalid', detail: 'not an email address' };
  }
  const tenant = TENANT_SLUG_PATTERN.test(tenantSlug) ? await store.findTenantBySlug(tenantSlug) : null;
  if (!tenant) return { outcome: 'invalid', detail: 'unknown tenant' };
  const user = await store.findUserByEmail(tenant.id, input.email.trim().toLowerCase());
  if (!user || user.blocked) return { outcome: 'sent', detail: 'no such user (not revealed)' };
  if ((await store.countRecentUserCodeLinks(user.id, new Date(now.getTime() - USER_CODE_LINK_COOLDOWN_MS))) > 0) {
    return { outcome: 'sent', detail: 'a link was sent less than a minute ago' };
  }
  const token = randomToken(LINK_TOKEN_BYTES);
  const linkId = timeOrderedId(now);
  const messageId = timeOrderedId(now);
  const payload: UserCodeEmailPayload = { linkId, userId: user.id };
  await store.createUserCodeLink({
    link: {
      id: linkId,
      userId: user.id,
      tokenHash: sha256Base64Url(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + USER_CODE_LINK_TTL_MS),
    },
    outbox: {
      id: messageId,
      tenantId: tenant.id,
      requestId: null,
      type: USER_CODE_EMAIL_TYPE,
      payload: JSON.stringify(payload),
      encryptedSecret: sealOutboxSecret(token, messageId),
      availableAt: now,
      createdAt: now,
    },
  });
  wakeOutbox();

  return { outcome: 'sent' };
};

export type UserCodeLinkLookup =
  { state: 'unknown' | 'used' | 'expired' } | { state: 'valid'; link: UserCodeLinkRow; tokenHash: string };

/** The link a token names within the tenant, and whether it still works. Reads only. */
export const findUserCodeLink = async (
  store: Pick<ProtocolStore, 'findUserCodeLinkByTokenHash'>,
  { tenantSlug, token, now }: { tenantSlug: string; token: string; now: Date },
): Promise<UserCodeLinkLookup> => {
  if (token.length === 0 || token.length > 100) return { state: 'unknown' };
  const tokenHash = sha256Base64Url(token);
  const link = await store.findUserCodeLinkByTokenHash(tokenHash);
  if (!link || link.tenantSlug !== tenantSlug) return { state: 'unknown' };
  if (link.usedAt !== null) return { state: 'used' };
  if (link.expiresAt <= now) return { state: 'expired' };

  return { state: 'valid', link, tokenHash };
};

export const SET_USER_CODE_OUTCOMES = ['set', 'invalid', 'expired', 'used', 'mismatch', 'rejected'] as const;
export type SetOwnUserCodeOutcome = (typeof SET_USER_CODE_OUTCOMES)[number];

export type SetOwnUserCodeInput = {
  tenantSlug: string;
  token: string;
  code: unknown;
  confirmation: unknown;
  csrfToken: unknown;
  headers: Headers;
  now?: Date;
};

/**
 * Handles the set-code form: same-origin and CSRF checks (bound to the link),
 * the link lookup, the code's rules (ZUserCodeSchema, the admin's rules) and
 * its confirmation, then one unit that uses the link and stores the code's
 * slow hash with failures and lock cleared. `rejected` carries the rule the
 * code broke; `mismatch` the confirmation.
 */
export const setOwnUserCode = async (
  store: ProtocolStore,
  input: SetOwnUserCodeInput,
): Promise<{ outcome: SetOwnUserCodeOutcome; message?: string; detail?: string }> => {
  const now = input.now ?? new Date();
  if (!isSameOriginPost(input.headers, getEnv().appUrl)) return { outcome: 'invalid', detail: 'cross-origin POST' };
  const lookup = await findUserCodeLink(store, { tenantSlug: input.tenantSlug, token: input.token, now });
  if (lookup.state !== 'valid') return { outcome: lookup.state === 'unknown' ? 'invalid' : lookup.state };
  if (!verifyCsrfToken(USER_CODE_SET_CSRF_PURPOSE, lookup.tokenHash, input.csrfToken)) {
    return { outcome: 'invalid', detail: 'bad CSRF token' };
  }
  const parsed = ZUserCodeSchema.safeParse(input.code);
  if (!parsed.success) return { outcome: 'rejected', message: `The code ${parsed.error.issues[0]?.message ?? 'is not valid'}.` };
  if (input.confirmation !== parsed.data) return { outcome: 'mismatch' };
  const userCodeHash = await hashUserCode(parsed.data);
  const set = await store.setUserCodeByLink({ linkId: lookup.link.linkId, userCodeHash, now });

  return set ? { outcome: 'set' } : { outcome: 'used', detail: 'the link was used or expired meanwhile' };
};

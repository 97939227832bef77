import { ACR_EMAIL_LINK, ACR_PASSKEY, SUPPORTED_ACR_VALUES } from '@/lib/ciba/constants';
import { passkeyLevelUnavailable } from '@/lib/oauth/errors';

/** What selectAcr needs to know about the hinted user, asked only when a value depends on it. */
export type AcrUserFacts = {
  /** Whether the user has at least one enrolled authenticator device (a passkey). */
  hasAuthenticatorDevice: () => Promise<boolean>;
};

const isSupported = (value: string): value is (typeof SUPPORTED_ACR_VALUES)[number] =>
  (SUPPORTED_ACR_VALUES as readonly string[]).includes(value);

/** Whether this user can be authenticated at `acr`: the email link always, the passkey level with an enrolled device. */
const isSatisfiable = async (acr: (typeof SUPPORTED_ACR_VALUES)[number], user: AcrUserFacts): Promise<boolean> => {
  switch (acr) {
    case ACR_EMAIL_LINK:
      return true;
    case ACR_PASSKEY:
      return user.hasAuthenticatorDevice();
  }
};

/**
 * The authentication context the request will be satisfied at (CIBA §7.1
 * `acr_values`, "in order of preference"): the first value the client named
 * that we support and can satisfy for this user — ACR_EMAIL_LINK always,
 * ACR_PASSKEY only for a user with an enrolled authenticator. The devices are
 * read only when the passkey level comes up before a satisfiable value
 * (bc-authorize is a hot path). Values we do not know are ignored: no
 * acr_values, or none we support, yields null (no `acr` claim).
 *
 * @throws access_denied (403) when the client named supported values and
 * none is satisfiable for this user (only the passkey level, and no device):
 * the email link must never stand in for a level the client asked for
 * instead of it (issue 13). CIBA §13's `access_denied` is the OP's policy
 * refusal before any user interaction; the request itself is well-formed, so
 * not `invalid_request`. What the answer reveals: to an authenticated client
 * of the tenant, that this (already identified: unknown users get
 * unknown_user_id first) user has no passkey enrolled — which the client
 * learns anyway from the acr of every later token. It reveals nothing about
 * users the hint does not name.
 */
export const selectAcr = async (acrValues: string | null | undefined, user: AcrUserFacts): Promise<string | null> => {
  const supported = [...new Set(acrValues?.split(' ').filter(isSupported) ?? [])];
  for (const acr of supported) {
    if (await isSatisfiable(acr, user)) return acr;
  }
  if (supported.length > 0) throw passkeyLevelUnavailable();

  return null;
};

import type { JSONWebKeySet } from 'jose';

/** JWK members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_KEY_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Key types an issuer may sign with: asymmetric only (an `oct` key would be a shared secret). */
const PUBLIC_KEY_TYPES = ['RSA', 'EC', 'OKP'];

/** At most this many keys in one set (a rotation keeps two or three). */
export const MAX_JWKS_KEYS = 20;

/**
 * What is wrong with a JWKS document a trusted issuer publishes or an
 * operator pastes (RFC 7517 §5): null when it is an object with a non-empty
 * `keys` array of public RSA, EC or OKP keys. A private or symmetric key is
 * refused, never stored: only the issuer may hold it. A fragment without a
 * subject ("must …"), for the doors to prefix with the field's name.
 */
export const publicJwksProblem = (value: unknown): string | null => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JWKS object: {"keys":[…]}';
  const { keys } = value as { keys?: unknown };
  if (!Array.isArray(keys) || keys.length === 0) return 'must have a non-empty "keys" array';
  if (keys.length > MAX_JWKS_KEYS) return `must have at most ${MAX_JWKS_KEYS} keys`;
  for (const [index, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return `keys[${index}] must be a JWK object`;
    const jwk = key as Record<string, unknown>;
    if (typeof jwk.kty !== 'string' || !PUBLIC_KEY_TYPES.includes(jwk.kty)) {
      return `keys[${index}] must be a public RSA, EC or OKP key (kty ${JSON.stringify(jwk.kty)} is not)`;
    }
    const secret = PRIVATE_KEY_MEMBERS.find((member) => member in jwk);
    if (secret !== undefined) {
      return `keys[${index}] must be a public key: it has the private member "${secret}" (publish public keys only)`;
    }
  }

  return null;
};

/** Parses a JWKS document from JSON text and checks it (publicJwksProblem). */
export const parsePublicJwks = (text: string): { ok: true; jwks: JSONWebKeySet } | { ok: false; problem: string } => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'must be a JSON JWKS document: {"keys":[…]}' };
  }
  const problem = publicJwksProblem(value);

  return problem === null ? { ok: true, jwks: value as JSONWebKeySet } : { ok: false, problem };
};

/**
 * What an administrator needs to see of a client's public keys (RFC 7517
 * §4): per key, its id, type, curve or size, intended algorithm and use, and
 * whether it carries a certificate (x5c: what self_signed_tls_client_auth
 * matches, RFC 8705 §2.2). Only public, descriptive members are read; key
 * material (n, x, y) is never echoed, and of a private member (d, p, …) only
 * its presence is noted, so the console can warn before the metadata schema
 * refuses the set.
 *
 * Pure and dependency-free: the console runs it in the browser as the
 * administrator types, and on the server for the stored set.
 */
export type JwkSummary = {
  /** `kid`, or null when the key has none. */
  kid: string | null;
  /** `kty`: RSA, EC, OKP (anything else is shown as given). */
  kty: string;
  /** The curve (EC, OKP: P-256, Ed25519…) or the RSA modulus size ("2048 bits"); null when unknown. */
  detail: string | null;
  alg: string | null;
  use: string | null;
  /** The key carries an X.509 chain (x5c). */
  hasCertificate: boolean;
  /** The key has a private or symmetric member (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2): it will be refused. */
  isPrivate: boolean;
};

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const textMember = (jwk: Record<string, unknown>, name: string): string | null => {
  const value = jwk[name];

  return typeof value === 'string' && value !== '' ? value : null;
};

/** The RSA modulus size in bits, from the base64url length of `n` (leading zero octets aside). */
const rsaBits = (n: string | null): string | null => {
  if (n === null || !/^[A-Za-z0-9_-]+$/.test(n)) return null;
  const bytes = Math.floor((n.length * 6) / 8);

  return `${Math.round(bytes / 32) * 256} bits`;
};

/** One summary per entry of `keys`; [] when `jwks` is not an object with a `keys` array. */
export const summarizeJwks = (jwks: unknown): JwkSummary[] => {
  if (typeof jwks !== 'object' || jwks === null || Array.isArray(jwks)) return [];
  const { keys } = jwks as { keys?: unknown };
  if (!Array.isArray(keys)) return [];

  return keys
    .filter((key): key is Record<string, unknown> => typeof key === 'object' && key !== null && !Array.isArray(key))
    .map((jwk) => {
      const kty = textMember(jwk, 'kty') ?? 'unknown';

      return {
        kid: textMember(jwk, 'kid'),
        kty,
        detail: kty === 'RSA' ? rsaBits(textMember(jwk, 'n')) : textMember(jwk, 'crv'),
        alg: textMember(jwk, 'alg'),
        use: textMember(jwk, 'use'),
        hasCertificate: Array.isArray(jwk.x5c) && jwk.x5c.length > 0,
        isPrivate: PRIVATE_MEMBERS.some((member) => member in jwk),
      };
    });
};

/**
 * JWKS text as typed into a form: the summaries of its keys, or why it does
 * not read as a key set (for a hint while typing; the metadata schema is the
 * one that accepts or refuses it). Blank text is `{ keys: [] }`.
 */
export const summarizeJwksText = (text: string): { keys: JwkSummary[] } | { problem: string } => {
  if (text.trim() === '') return { keys: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'Not valid JSON yet.' };
  }
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { keys?: unknown }).keys)) {
    return { problem: 'Not a key set: expected {"keys":[…]}.' };
  }

  return { keys: summarizeJwks(value) };
};

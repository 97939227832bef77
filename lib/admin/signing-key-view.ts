import {
  isKeyPublished,
  KEY_PUBLISH_DELAY_MS,
  RETIRED_KEY_PUBLISHED_FOR_MS,
  selectSigningKid,
  type SigningKeyTimes,
} from '@/lib/oauth/signing-keys';

/**
 * Where a key is in its life: `active` (unretired: published, and signing or
 * ready to), `retiring` (retired, still published so tokens it signed verify),
 * `retired` (gone from the JWKS).
 */
export type SigningKeyStatus = 'active' | 'retiring' | 'retired';

/** A signing key as every admin door shows it: never private material. */
export type SigningKeyView = {
  kid: string;
  alg: string;
  status: SigningKeyStatus;
  /** Whether it signs the tenant's new tokens of its alg now. */
  signing: boolean;
  created_at: string;
  /** When an active key may sign: KEY_PUBLISH_DELAY_MS after it was published; null once retired. */
  signs_from: string | null;
  retired_at: string | null;
  /** When a retired key leaves the JWKS; null while active. */
  published_until: string | null;
};

/** Prisma `select` of what a SigningKeyView needs (never the private JWK). */
export const SIGNING_KEY_VIEW_COLUMNS = { kid: true, alg: true, createdAt: true, retiredAt: true } as const;

/** The view of `key` at `now`, among all the keys of its tenant (`keys`, which decide which one signs). */
export const toSigningKeyView = (key: SigningKeyTimes, keys: readonly SigningKeyTimes[], now: Date): SigningKeyView => ({
  kid: key.kid,
  alg: key.alg,
  status: key.retiredAt === null ? 'active' : isKeyPublished(key, now) ? 'retiring' : 'retired',
  signing: selectSigningKid(keys, key.alg, now) === key.kid,
  created_at: key.createdAt.toISOString(),
  signs_from: key.retiredAt === null ? new Date(key.createdAt.getTime() + KEY_PUBLISH_DELAY_MS).toISOString() : null,
  retired_at: key.retiredAt?.toISOString() ?? null,
  published_until: key.retiredAt ? new Date(key.retiredAt.getTime() + RETIRED_KEY_PUBLISHED_FOR_MS).toISOString() : null,
});

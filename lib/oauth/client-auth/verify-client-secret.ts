import type { ClientRecord } from '@/lib/clients/client-record';
import { constantEquals, sha256Base64Url } from '@/lib/oauth/crypto';

/** Compared against when the client does not exist, so both paths do the same work. */
const UNKNOWN_CLIENT_SECRET_HASH = sha256Base64Url('backchannel:no-such-client');

/**
 * Whether `secret` is the client's secret: its SHA-256 compared in constant
 * time with the stored hash (or with a dummy hash for an unknown client).
 */
export const verifyClientSecret = (client: Pick<ClientRecord, 'secretHash'> | null, secret: string): boolean =>
  constantEquals(sha256Base64Url(secret), client?.secretHash ?? UNKNOWN_CLIENT_SECRET_HASH);

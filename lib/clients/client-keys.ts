import type { JWK, JWTVerifyGetKey } from 'jose';
import { createIssuerKeyCache, type IssuerKeyCache } from '@/lib/ciba/trusted-issuer-keys';
import type { ClientRecord } from '@/lib/clients/client-record';
import { getBaseEnv } from '@/lib/env';

let cache: IssuerKeyCache | undefined;

/**
 * The process's cache of clients' jwks_uri key sets (the same rules as a
 * trusted issuer's: lib/ciba/trusted-issuer-keys.ts — https, public
 * addresses, short timeouts, a size limit, one refetch on an unknown `kid`
 * per cooldown, concurrent fetches shared). Keyed by the client's row id and
 * uri, so a changed jwks_uri starts afresh.
 */
export const getClientKeyCache = (): IssuerKeyCache =>
  (cache ??= createIssuerKeyCache({ allowHttpLoopback: () => getBaseEnv().allowHttpLoopbackCallbacks }));

/**
 * A key resolver for jose's jwtVerify over the client's public keys: its
 * inline `jwks`, or its `jwks_uri`'s set (cached). `now`: the request's time.
 * Used for client assertions (RFC 7523), signed authentication requests
 * (CIBA §7.1.1) and self-signed certificates (RFC 8705 §2.2).
 */
export const clientKeysFor = (client: Pick<ClientRecord, 'id' | 'jwks' | 'jwksUri'>, now: Date): JWTVerifyGetKey =>
  getClientKeyCache().keysFor({ id: `client:${client.id}`, jwks: client.jwks, jwksUri: client.jwksUri }, now);

/**
 * Whether the client's registered keys (`jwks`, or its `jwks_uri`'s set,
 * cached, refetched at most once per cooldown when none matches) hold one that
 * `matches` accepts: how a self-signed certificate is recognised (RFC 8705 §2.2).
 *
 * @throws IssuerKeysUnavailable when the jwks_uri cannot be read.
 */
export const clientHasKey = (
  client: Pick<ClientRecord, 'id' | 'jwks' | 'jwksUri'>,
  now: Date,
  matches: (key: JWK) => boolean,
): Promise<boolean> =>
  getClientKeyCache().hasKey({ id: `client:${client.id}`, jwks: client.jwks, jwksUri: client.jwksUri }, now, matches);

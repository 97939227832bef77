import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import { checkNotificationEndpoint, resolvableHost, type ResolveHost } from '@/lib/ciba/notification-endpoint';
import { parsePublicJwks } from '@/lib/ciba/public-jwks';

/** A jwks_uri must answer (connect, status and body) within this. */
export const JWKS_FETCH_TIMEOUT_MS = 3_000;
/** At most this many bytes of a JWKS document are read; a larger one is refused. */
export const JWKS_MAX_BYTES = 64 * 1024;
/** A fetched key set is used this long before it is fetched again. */
export const JWKS_CACHE_TTL_MS = 10 * 60_000;
/** An unknown `kid` refetches the set at most once per this long per issuer (a flood of bad kids cannot make us a proxy). */
export const JWKS_REFETCH_COOLDOWN_MS = 30_000;

/** A trusted issuer's keys as stored (lib/admin/trusted-issuers.ts): inline, or where to fetch them. */
export type TrustedIssuerKeysSource = { id: string; jwks: string | null; jwksUri: string | null };

/** Why an issuer's keys could not be had: the message is safe to show the client. */
export class IssuerKeysUnavailable extends Error {
  override readonly name = 'IssuerKeysUnavailable';
}

/**
 * GETs a JWKS document from a jwks_uri under the notification endpoint's
 * rules (lib/ciba/notification-endpoint.ts: https only, no loopback, private
 * or link-local address unless ALLOW_HTTP_LOOPBACK_CALLBACKS admits plain-http
 * loopback), connecting to the very address the check approved (no DNS
 * rebinding), no redirects, JWKS_FETCH_TIMEOUT_MS in all, at most
 * JWKS_MAX_BYTES read. The document must be a public key set (public-jwks.ts).
 *
 * @throws IssuerKeysUnavailable, saying why.
 */
export const fetchJwks = async (
  uri: string,
  options: { allowHttpLoopback: boolean; resolve?: ResolveHost },
): Promise<JSONWebKeySet> => {
  const checked = await checkNotificationEndpoint(uri, options);
  if (!checked.ok) throw new IssuerKeysUnavailable(`the issuer's jwks_uri is not allowed: it ${checked.problem}`);
  const { url, addresses } = checked;
  const host = resolvableHost(url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const text = await new Promise<string>((resolve, reject) => {
    const request = send({
      host: addresses[0],
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      ...(url.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
      headers: { host: url.host, accept: 'application/json, application/jwk-set+json', 'user-agent': 'Backchannel-JWKS' },
      agent: false,
    });
    // One deadline for connecting, the status line and the whole body; a settled promise ignores later calls.
    const fail = (message: string) => {
      clearTimeout(timer);
      reject(new IssuerKeysUnavailable(`the issuer's jwks_uri could not be read: ${message}`));
    };
    const timer = setTimeout(() => {
      fail(`no answer within ${JWKS_FETCH_TIMEOUT_MS} ms`);
      request.destroy();
    }, JWKS_FETCH_TIMEOUT_MS);
    request.once('error', (error) => fail(error.message));
    request.once('response', (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        response.destroy();
        fail(
          `HTTP ${response.statusCode ?? 0}${response.statusCode && response.statusCode < 400 && response.statusCode >= 300 ? ' (redirects are never followed)' : ''}`,
        );

        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > JWKS_MAX_BYTES) {
          response.destroy();
          fail(`the document is larger than ${JWKS_MAX_BYTES} bytes`);

          return;
        }
        chunks.push(chunk);
      });
      response.once('error', (error) => fail(error.message));
      response.once('end', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
    });
    request.end();
  });
  const parsed = parsePublicJwks(text);
  if (!parsed.ok) throw new IssuerKeysUnavailable(`the issuer's jwks_uri did not serve a public JWKS: it ${parsed.problem}`);

  return parsed.jwks;
};

type CachedKeySet = { jwks: JSONWebKeySet; fetchedAt: number };

export type IssuerKeyCache = {
  /**
   * A key resolver for jose's jwtVerify over the issuer's keys: inline keys
   * as they are; a jwks_uri's set from the cache (fetched when absent or
   * older than the TTL), fetched again when a token names a `kid` the set
   * lacks — at most once per cooldown per issuer (key rotation). `now`: the
   * request's time.
   */
  keysFor(source: TrustedIssuerKeysSource, now: Date): JWTVerifyGetKey;
  /**
   * Whether the issuer's key set holds a key that `matches` accepts: inline
   * keys as they are; a jwks_uri's set from the cache (fetched when absent or
   * older than the TTL), fetched again when no key matches — at most once per
   * cooldown per issuer, as for an unknown `kid` (RFC 8705 §2.2: a
   * self-signed certificate is found by its key, not by a kid).
   *
   * @throws IssuerKeysUnavailable when the set cannot be fetched.
   */
  hasKey(source: TrustedIssuerKeysSource, now: Date, matches: (key: JWK) => boolean): Promise<boolean>;
  /** Forgets every cached set (tests). */
  clear(): void;
};

/**
 * The process's cache of jwks_uri key sets, keyed by the trusted issuer's id
 * and uri (a re-registered issuer starts afresh; a removed one is no longer
 * found before its keys are asked for). Concurrent fetches of one set share
 * one request.
 */
export const createIssuerKeyCache = (options: {
  allowHttpLoopback: () => boolean;
  resolve?: ResolveHost;
  ttlMs?: number;
  refetchCooldownMs?: number;
}): IssuerKeyCache => {
  const ttlMs = options.ttlMs ?? JWKS_CACHE_TTL_MS;
  const cooldownMs = options.refetchCooldownMs ?? JWKS_REFETCH_COOLDOWN_MS;
  const sets = new Map<string, CachedKeySet>();
  const inFlight = new Map<string, Promise<JSONWebKeySet>>();

  const load = (key: string, uri: string, now: number): Promise<JSONWebKeySet> => {
    const pending = inFlight.get(key);
    if (pending) return pending;
    const fetched = fetchJwks(uri, { allowHttpLoopback: options.allowHttpLoopback(), resolve: options.resolve })
      .then((jwks) => {
        sets.set(key, { jwks, fetchedAt: now });

        return jwks;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, fetched);

    return fetched;
  };

  return {
    keysFor: (source, now) => {
      if (source.jwks !== null) return createLocalJWKSet(JSON.parse(source.jwks) as JSONWebKeySet);
      const uri = source.jwksUri;
      if (uri === null) return () => Promise.reject(new IssuerKeysUnavailable('the issuer has no keys'));
      const key = `${source.id} ${uri}`;
      const at = now.getTime();

      return async (header, token) => {
        const cached = sets.get(key);
        const fresh = cached !== undefined && at - cached.fetchedAt < ttlMs;
        const jwks = fresh ? cached.jwks : await load(key, uri, at);
        try {
          return await createLocalJWKSet(jwks)(header, token);
        } catch (error) {
          const unknownKid = error instanceof joseErrors.JWKSNoMatchingKey;
          const current = sets.get(key);
          const mayRefetch = current !== undefined && at - current.fetchedAt >= cooldownMs;
          if (!unknownKid || !mayRefetch) throw error;

          return createLocalJWKSet(await load(key, uri, at))(header, token);
        }
      };
    },
    hasKey: async (source, now, matches) => {
      if (source.jwks !== null) return (JSON.parse(source.jwks) as JSONWebKeySet).keys.some(matches);
      const uri = source.jwksUri;
      if (uri === null) return false;
      const key = `${source.id} ${uri}`;
      const at = now.getTime();
      const cached = sets.get(key);
      const fresh = cached !== undefined && at - cached.fetchedAt < ttlMs;
      if ((fresh ? cached.jwks : await load(key, uri, at)).keys.some(matches)) return true;
      const current = sets.get(key);
      if (current === undefined || at - current.fetchedAt < cooldownMs) return false;

      return (await load(key, uri, at)).keys.some(matches);
    },
    clear: () => {
      sets.clear();
      inFlight.clear();
    },
  };
};

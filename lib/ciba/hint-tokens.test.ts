// The token hints at bc-authorize (CIBA §7.1, §7.2 steps 4–5, §13):
// login_hint_token from an issuer the tenant trusts (lib/ciba/verify-login-hint-token.ts; contract.md),
// and id_token_hint within the client's id_token_hint_grace_period (lib/ciba/resolve-hinted-user.ts).
import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTrustedIssuer } from '@/lib/admin/add-trusted-issuer';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { setUserBlocked } from '@/lib/admin/set-user-blocked';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { mintTokens } from '@/lib/oauth/tokens';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { issuerFor } from '@/lib/tenants/issuer';

const HINTS = 'https://hints.example';
const GLOBEX_HINTS = 'https://globex-hints.example';

type KeyPair = { privateKey: CryptoKey; publicJwk: JWK };
const keyPair = async (kid: string, alg = 'ES256'): Promise<KeyPair> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });

  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

let db: Db;
let cleanup: () => Promise<void>;
let desk: ClientCredentials;
let lenient: ClientCredentials;
let alice: { id: string; sub: string; email: string };
let blockedUser: { id: string; sub: string; email: string };
let hintKey: KeyPair;
let rsaHintKey: KeyPair;
let globexKey: KeyPair;
let stranger: KeyPair;
let tenantId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  for (const slug of ['acme', 'globex']) {
    await createTenant(db, CLI_PRINCIPAL, { slug, name: slug });
    await turnOffAbuseLimits(db, slug);
  }
  tenantId = (await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } })).id;
  desk = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  lenient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Lenient', id_token_hint_grace_period: 600 },
    }),
  );
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' });
  blockedUser = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'mallory@example.com' });
  await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: blockedUser.id, blocked: true });
  hintKey = await keyPair('hints-1');
  rsaHintKey = await keyPair('hints-rsa', 'PS256');
  globexKey = await keyPair('globex-1');
  stranger = await keyPair('hints-1');
  await addTrustedIssuer(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    input: { issuer: HINTS, jwks: { keys: [hintKey.publicJwk, rsaHintKey.publicJwk] } },
  });
  // Trusted by another tenant only.
  await addTrustedIssuer(db, CLI_PRINCIPAL, {
    tenantSlug: 'globex',
    input: { issuer: GLOBEX_HINTS, jwks: { keys: [globexKey.publicJwk] } },
  });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A login_hint_token of HINTS for acme naming alice by email, unless told otherwise. */
const loginHintToken = (
  claims: Record<string, unknown> = {},
  options: { key?: KeyPair; alg?: string; omit?: string[] } = {},
): Promise<string> => {
  const key = options.key ?? hintKey;
  const payload: Record<string, unknown> = {
    iss: HINTS,
    aud: issuerFor('acme'),
    iat: nowSeconds(),
    exp: nowSeconds() + 300,
    sub_id: { format: 'email', email: alice.email },
    ...claims,
  };
  for (const claim of options.omit ?? []) delete payload[claim];

  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? key.publicJwk.alg!, kid: key.publicJwk.kid })
    .sign(key.privateKey);
};

const authorize = (params: Record<string, string>, by: ClientCredentials = desk) =>
  call(formRequest('/t/acme/bc-authorize', { scope: 'openid', ...params }, { auth: by }));

const refused = async (params: Record<string, string>, error: string, description?: RegExp, by?: ClientCredentials) => {
  const answer = await authorize(params, by);
  expectOAuthError(answer, 400, error);
  if (description) expect(answer.json.error_description).toMatch(description);
};

const userOf = async (answer: { status: number; json: Record<string, unknown> }) => {
  expect(answer.status).toBe(200);
  const stored = await db.backchannelRequest.findUniqueOrThrow({
    where: { authReqIdHash: sha256Base64Url(answer.json.auth_req_id as string) },
  });

  return stored.userId;
};

describe('login_hint_token (CIBA §7.1; contract.md)', () => {
  it.each<[string, Record<string, unknown>]>([
    ['sub_id of format email (RFC 9493 §3.2.2)', {}],
    ['sub_id of format email, any case', { sub_id: { format: 'email', email: 'ALICE@Example.com' } }],
    [
      'sub_id of format iss_sub with the tenant issuer (RFC 9493 §3.2.5)',
      { sub_id: { format: 'iss_sub', iss: 'ISSUER', sub: 'SUB' } },
    ],
    ['the sub claim', { sub_id: undefined, sub: 'SUB' }],
    ['the email claim', { sub_id: undefined, email: 'alice@example.com' }],
  ])('accepts a token naming the user by %s', async (_name, claims) => {
    const resolved = JSON.parse(
      JSON.stringify(claims)
        .replaceAll('"ISSUER"', JSON.stringify(issuerFor('acme')))
        .replaceAll('"SUB"', JSON.stringify(alice.sub)),
    ) as Record<string, unknown>;
    if ('sub_id' in claims && claims.sub_id === undefined) resolved.sub_id = undefined;
    expect(await userOf(await authorize({ login_hint_token: await loginHintToken(resolved) }))).toBe(alice.id);
  });

  it('accepts a PS256 token of the issuer (any asymmetric alg of its keys)', async () => {
    expect(await userOf(await authorize({ login_hint_token: await loginHintToken({}, { key: rsaHintKey }) }))).toBe(alice.id);
  });

  it('400 expired_login_hint_token for an expired token', async () => {
    await refused(
      { login_hint_token: await loginHintToken({ exp: nowSeconds() - 60, iat: nowSeconds() - 600 }) },
      'expired_login_hint_token',
    );
  });

  it('400 invalid_request for an expired token with a bad signature (expiry is only read from a verified token)', async () => {
    await refused(
      { login_hint_token: await loginHintToken({ exp: nowSeconds() - 60 }, { key: stranger }) },
      'invalid_request',
      /signature is invalid/,
    );
  });

  it('400 invalid_request for an untrusted issuer, and for one only another tenant trusts', async () => {
    await refused(
      { login_hint_token: await loginHintToken({ iss: 'https://unknown.example' }) },
      'invalid_request',
      /not trusted/,
    );
    await refused(
      { login_hint_token: await loginHintToken({ iss: GLOBEX_HINTS }, { key: globexKey }) },
      'invalid_request',
      /not trusted/,
    );
  });

  it('400 invalid_request for a bad signature (same kid, another key)', async () => {
    await refused({ login_hint_token: await loginHintToken({}, { key: stranger }) }, 'invalid_request', /signature is invalid/);
  });

  it('400 invalid_request for a wrong aud and for no exp', async () => {
    await refused({ login_hint_token: await loginHintToken({ aud: issuerFor('globex') }) }, 'invalid_request', /aud/);
    await refused({ login_hint_token: await loginHintToken({}, { omit: ['exp'] }) }, 'invalid_request', /exp/);
  });

  it('400 invalid_request for alg none and HS256 (hand-built)', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const body = part({ iss: HINTS, aud: issuerFor('acme'), exp: nowSeconds() + 300, email: alice.email });
    await refused({ login_hint_token: `${part({ alg: 'none' })}.${body}.` }, 'invalid_request', /asymmetric/);
    const unsigned = `${part({ alg: 'HS256' })}.${body}`;
    const mac = createHmac('sha256', 'shared secret').update(unsigned).digest('base64url');
    await refused({ login_hint_token: `${unsigned}.${mac}` }, 'invalid_request', /asymmetric/);
  });

  it('400 unknown_user_id for an unknown user, a blocked one, or an iss_sub of another issuer', async () => {
    await refused(
      { login_hint_token: await loginHintToken({ sub_id: { format: 'email', email: 'nobody@example.com' } }) },
      'unknown_user_id',
    );
    await refused({ login_hint_token: await loginHintToken({ sub_id: undefined, sub: 'no-such-sub' }) }, 'unknown_user_id');
    await refused(
      { login_hint_token: await loginHintToken({ sub_id: { format: 'email', email: blockedUser.email } }) },
      'unknown_user_id',
    );
    await refused(
      { login_hint_token: await loginHintToken({ sub_id: { format: 'iss_sub', iss: issuerFor('globex'), sub: alice.sub } }) },
      'unknown_user_id',
    );
  });

  it('400 invalid_request for a token that names nobody or an unsupported sub_id format', async () => {
    await refused({ login_hint_token: await loginHintToken({ sub_id: undefined }) }, 'invalid_request', /sub_id, sub or email/);
    await refused(
      { login_hint_token: await loginHintToken({ sub_id: { format: 'phone_number', phone_number: '+15555550100' } }) },
      'invalid_request',
      /sub_id/,
    );
  });
});

describe('id_token_hint and id_token_hint_grace_period (CIBA §7.1)', () => {
  /** An ID token of acme for the client, issued `ageSeconds` ago and valid 60 s. */
  const idToken = async (client: ClientCredentials, ageSeconds: number) => {
    const issuedAt = new Date(Date.now() - ageSeconds * 1000);
    const { idToken: token } = await mintTokens(db, {
      tenantId,
      issuer: issuerFor('acme'),
      clientId: client.clientId,
      sub: alice.sub,
      scope: 'openid',
      authTime: issuedAt,
      acr: null,
      idTokenAlg: 'ES256',
      accessTokenLifetime: 60,
      idTokenLifetime: 60,
      now: issuedAt,
    });

    return token;
  };

  it('default grace 0: an unexpired ID token is accepted, one expired 5 s ago is refused (invalid_request)', async () => {
    expect(await userOf(await authorize({ id_token_hint: await idToken(desk, 0) }))).toBe(alice.id);
    await refused({ id_token_hint: await idToken(desk, 65) }, 'invalid_request', /expired/);
  });

  it('grace 600 s: expired 5 minutes ago is accepted, 11 minutes ago is refused (invalid_request)', async () => {
    expect(await userOf(await authorize({ id_token_hint: await idToken(lenient, 60 + 300) }, lenient))).toBe(alice.id);
    await refused({ id_token_hint: await idToken(lenient, 60 + 660) }, 'invalid_request', /grace/, lenient);
  });

  it('an ID token issued to another client is refused whatever its age', async () => {
    await refused({ id_token_hint: await idToken(desk, 0) }, 'invalid_request', /issued to this client/, lenient);
  });
});

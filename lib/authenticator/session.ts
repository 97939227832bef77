import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/types';
import { AuthenticatorError } from '@/lib/authenticator/errors';
import { relyingParty } from '@/lib/authenticator/relying-party';
import { findAssertingDevice, verifyDeviceAssertion } from '@/lib/authenticator/verify-decision-assertion';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';

/**
 * Sessions of the /authenticator app. Signing in is a WebAuthn assertion of
 * an enrolled, discoverable passkey with user verification; the session
 * token goes in an HttpOnly, SameSite=Strict cookie scoped to /authenticator
 * (Secure on https) and only its SHA-256 is stored. Every use reads the
 * session joined to its device: revoking the device deletes its sessions.
 */

export const AUTHENTICATOR_SESSION_COOKIE = 'bc_authenticator';
export const AUTHENTICATOR_COOKIE_PATH = '/authenticator';

/** A session lasts 12 hours; then the passkey again. */
export const AUTHENTICATOR_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A sign-in challenge is accepted for 5 minutes after it was issued. */
export const SIGN_IN_CHALLENGE_TTL_MS = 5 * 60 * 1000;

const CHALLENGE_MAC_PURPOSE = 'authenticator-sign-in-challenge:';

const challengeMac = (body: Buffer): Buffer =>
  createHmac('sha256', getEnv().authSecret).update(CHALLENGE_MAC_PURPOSE).update(body).digest();

/**
 * A sign-in challenge: 8 bytes of issue time, 16 random bytes and an HMAC
 * over both (stateless: nothing is stored until it is used). It works once:
 * the session it opens has the challenge's SHA-256 as its id.
 */
export const issueSignInChallenge = (now = new Date()): string => {
  const body = Buffer.alloc(24);
  body.writeBigUInt64BE(BigInt(now.getTime()), 0);
  randomBytes(16).copy(body, 8);

  return Buffer.concat([body, challengeMac(body)]).toString('base64url');
};

/** Whether a challenge was issued by issueSignInChallenge less than SIGN_IN_CHALLENGE_TTL_MS ago. */
export const isFreshSignInChallenge = (challenge: unknown, now = new Date()): challenge is string => {
  if (typeof challenge !== 'string' || !/^[A-Za-z0-9_-]{75}$/.test(challenge)) return false;
  const raw = Buffer.from(challenge, 'base64url');
  if (raw.length !== 56) return false;
  const body = raw.subarray(0, 24);
  if (!timingSafeEqual(challengeMac(body), raw.subarray(24))) return false;
  const age = now.getTime() - Number(body.readBigUInt64BE(0));

  return age >= -60_000 && age <= SIGN_IN_CHALLENGE_TTL_MS;
};

/** navigator.credentials.get() options for signing in: any discoverable credential, user verification required. */
export const signInOptions = (now = new Date()): PublicKeyCredentialRequestOptionsJSON => ({
  challenge: issueSignInChallenge(now),
  rpId: relyingParty().rpId,
  timeout: 120_000,
  userVerification: 'required',
  allowCredentials: [],
});

export type AuthenticatorSession = {
  sessionId: string;
  deviceId: string;
  deviceName: string;
  userId: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  userEmail: string;
  userName: string | null;
};

/** Opens a session for a device (after enrolment or sign-in): the cookie's token, and when it ends. */
export const openAuthenticatorSession = async (
  db: Pick<Db, 'authenticatorSession'>,
  { deviceId, sessionId, now }: { deviceId: string; sessionId: string; now: Date },
): Promise<{ token: string; expiresAt: Date }> => {
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + AUTHENTICATOR_SESSION_TTL_MS);
  await db.authenticatorSession.create({
    data: { id: sessionId, deviceId, tokenHash: sha256Base64Url(token), createdAt: now, expiresAt },
  });

  return { token, expiresAt };
};

/**
 * Signs in with a passkey: the challenge must be fresh and ours, the
 * credential an enrolled device of an unblocked user, the assertion valid
 * with user verification. The challenge works once (it names the session).
 *
 * @throws AuthenticatorError invalid_request for a stale or foreign challenge or a challenge used before; unknown_device; invalid_assertion; counter_mismatch.
 */
export const signInWithPasskey = async (
  db: Db,
  input: { challenge: unknown; response: AuthenticationResponseJSON; now?: Date },
): Promise<{ token: string; expiresAt: Date; deviceId: string }> => {
  const now = input.now ?? new Date();
  if (!isFreshSignInChallenge(input.challenge, now)) {
    throw new AuthenticatorError('invalid_request', 'The sign-in challenge is missing, expired or not ours.');
  }
  const sessionId = sha256Base64Url(`sign-in:${input.challenge}`);
  if (await db.authenticatorSession.findUnique({ where: { id: sessionId }, select: { id: true } })) {
    throw new AuthenticatorError('invalid_request', 'This sign-in challenge was used already.');
  }
  const device = await findAssertingDevice(db, input.response);
  const owner = device ? await db.user.findUnique({ where: { id: device.userId }, select: { blocked: true } }) : null;
  if (!device || !owner || owner.blocked) throw new AuthenticatorError('unknown_device', 'This passkey is not enrolled.');
  const verified = await verifyDeviceAssertion(db, device, { response: input.response, expectedChallenge: input.challenge, now });
  if (!verified.ok) throw new AuthenticatorError(verified.reason, 'The passkey assertion did not verify.');
  try {
    return { ...(await openAuthenticatorSession(db, { deviceId: device.id, sessionId, now })), deviceId: device.id };
  } catch {
    // The session id is unique: a concurrent use of the same challenge lost.
    throw new AuthenticatorError('invalid_request', 'This sign-in challenge was used already.');
  }
};

/**
 * The session a cookie token names, read with its device and user: null when
 * there is none, it expired, its device was revoked (the row is gone), or the
 * user is blocked. Checked on every use.
 */
export const findAuthenticatorSession = async (
  db: Db,
  token: unknown,
  now = new Date(),
): Promise<AuthenticatorSession | null> => {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db.authenticatorSession.findUnique({
    where: { tokenHash: sha256Base64Url(token) },
    select: {
      id: true,
      expiresAt: true,
      device: {
        select: {
          id: true,
          name: true,
          user: {
            select: {
              id: true,
              email: true,
              name: true,
              blocked: true,
              tenant: { select: { id: true, slug: true, name: true } },
            },
          },
        },
      },
    },
  });
  if (!row || row.expiresAt <= now || row.device.user.blocked) return null;
  const { user } = row.device;

  return {
    sessionId: row.id,
    deviceId: row.device.id,
    deviceName: row.device.name,
    userId: user.id,
    tenantId: user.tenant.id,
    tenantSlug: user.tenant.slug,
    tenantName: user.tenant.name,
    userEmail: user.email,
    userName: user.name,
  };
};

/** Ends a session (sign-out). */
export const closeAuthenticatorSession = async (db: Db, token: unknown): Promise<void> => {
  if (typeof token !== 'string' || token.length > 100) return;
  await db.authenticatorSession.deleteMany({ where: { tokenHash: sha256Base64Url(token) } });
};

/** The Set-Cookie attributes of the session cookie: HttpOnly, SameSite=Strict, path /authenticator, Secure on https. */
export const sessionCookieOptions = (expiresAt: Date) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: getEnv().appUrl.startsWith('https:'),
  path: AUTHENTICATOR_COOKIE_PATH,
  expires: expiresAt,
});

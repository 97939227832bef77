import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/types';
import { recordAuthenticatorEvent, userActorLabel } from '@/lib/authenticator/authenticator-events';
import { findEnrollment } from '@/lib/authenticator/enrollment';
import { AuthenticatorError } from '@/lib/authenticator/errors';
import { relyingParty } from '@/lib/authenticator/relying-party';
import type { Db } from '@/lib/db/client';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { sha256Base64Url } from '@/lib/oauth/crypto';

/**
 * The registration challenge (WebAuthn §13.4.3) of one enrolment: derived
 * from its token, never stored. The token is secret and works once, so the
 * challenge is unpredictable and a registration made for one enrolment
 * cannot complete another.
 */
export const enrollmentChallenge = (token: string): string => sha256Base64Url(`backchannel-enrol-v1:${token}`);

/** Display names: what the device calls itself, trimmed, at most 60 characters. */
const DEVICE_NAME_MAX = 60;

export const cleanDeviceName = (value: unknown): string => {
  // eslint-disable-next-line no-control-regex -- control characters never belong in a display name
  const name = typeof value === 'string' ? value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() : '';

  return name.length === 0 ? 'Authenticator' : name.slice(0, DEVICE_NAME_MAX);
};

const requireValidEnrollment = async (db: Db, token: unknown, now: Date) => {
  const lookup = await findEnrollment(db, token, now);
  switch (lookup.state) {
    case 'unknown':
      throw new AuthenticatorError('not_found', 'This enrolment link is not valid.');
    case 'used':
      throw new AuthenticatorError('enrollment_used', 'This enrolment link was used already.');
    case 'expired':
      throw new AuthenticatorError('enrollment_expired', 'This enrolment link has expired.');
    case 'valid':
      return lookup;
  }
};

/**
 * The options for navigator.credentials.create() on the enrolment page: a
 * discoverable credential (residentKey required, so the app signs in without
 * a user name) with user verification required, platform or roaming, the
 * user's enrolled credentials excluded. Reads only.
 *
 * @throws AuthenticatorError not_found / enrollment_used / enrollment_expired
 */
export const enrollmentRegistrationOptions = async (
  db: Db,
  token: unknown,
  now = new Date(),
): Promise<PublicKeyCredentialCreationOptionsJSON> => {
  const { user } = await requireValidEnrollment(db, token, now);
  const { rpId, name } = relyingParty();
  const existing = await db.authenticatorDevice.findMany({ where: { userId: user.id }, select: { credentialId: true } });

  return generateRegistrationOptions({
    rpName: name,
    rpID: rpId,
    userID: user.id,
    userName: user.email,
    userDisplayName: user.name ?? user.email,
    challenge: Buffer.from(enrollmentChallenge(token as string), 'base64url'),
    timeout: 120_000,
    attestationType: 'none',
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    excludeCredentials: existing.map((device) => ({
      id: Buffer.from(device.credentialId, 'base64url'),
      type: 'public-key' as const,
    })),
    supportedAlgorithmIDs: [-7, -257],
  });
};

export type CompletedEnrollment = { deviceId: string; userId: string; tenantId: string };

/**
 * Completes an enrolment (the POST from the enrolment page): verifies the
 * registration (WebAuthn §7.1) against the enrolment's challenge, APP_URL's
 * origin and RP ID, with user verification required; then, in one
 * transaction, uses the enrolment (a conditional update: unused and
 * unexpired), creates the AuthenticatorDevice and records
 * `authenticator_enrolled`. A used, expired or unknown token changes nothing.
 *
 * @throws AuthenticatorError not_found / enrollment_used / enrollment_expired; invalid_assertion for a registration that does not verify; invalid_request for a credential already enrolled.
 */
export const completeEnrollment = async (
  db: Db,
  input: { token: unknown; response: RegistrationResponseJSON; deviceName?: unknown; now?: Date },
): Promise<CompletedEnrollment> => {
  const now = input.now ?? new Date();
  const lookup = await requireValidEnrollment(db, input.token, now);
  const { origin, rpId } = relyingParty();
  let registration;
  try {
    const verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: enrollmentChallenge(input.token as string),
      expectedOrigin: origin,
      expectedRPID: rpId,
      requireUserVerification: true,
    });
    registration = verification.verified ? verification.registrationInfo : undefined;
  } catch {
    registration = undefined;
  }
  if (!registration || !registration.userVerified) {
    throw new AuthenticatorError('invalid_assertion', 'The passkey registration did not verify.');
  }
  const credentialId = Buffer.from(registration.credentialID).toString('base64url');
  const transports = Array.isArray(input.response.response?.transports) ? input.response.response.transports : null;
  const deviceId = timeOrderedId(now);

  await db.$transaction(async (tx) => {
    const used = await tx.authenticatorEnrollment.updateMany({
      where: { id: lookup.enrollment.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (used.count !== 1) throw new AuthenticatorError('enrollment_used', 'This enrolment link was used already.');
    if (await tx.authenticatorDevice.findUnique({ where: { credentialId }, select: { id: true } })) {
      throw new AuthenticatorError('invalid_request', 'This passkey is enrolled already.');
    }
    const name = cleanDeviceName(input.deviceName);
    await tx.authenticatorDevice.create({
      data: {
        id: deviceId,
        tenantId: lookup.tenant.id,
        userId: lookup.user.id,
        name,
        credentialId,
        publicKey: Buffer.from(registration.credentialPublicKey).toString('base64url'),
        signCount: registration.counter,
        transports: transports ? JSON.stringify(transports.slice(0, 8)) : null,
        createdAt: now,
      },
    });
    await recordAuthenticatorEvent(tx, {
      type: 'authenticator_enrolled',
      tenantId: lookup.tenant.id,
      userId: lookup.user.id,
      actor: userActorLabel(lookup.user.id),
      change: { target: deviceId, before: null, after: { name, enrollment_id: lookup.enrollment.id } },
      at: now,
    });
  });

  return { deviceId, userId: lookup.user.id, tenantId: lookup.tenant.id };
};

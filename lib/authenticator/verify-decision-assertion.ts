import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import type { AuthenticationResponseJSON } from '@simplewebauthn/types';
import { relyingParty } from '@/lib/authenticator/relying-party';
import type { Db } from '@/lib/db/client';

export type DecisionAssertionFailure =
  /** The credential is not an enrolled device of this user in this tenant (never enrolled, or revoked). */
  | 'unknown_device'
  /** Signature, challenge, origin, RP ID or user verification did not verify. */
  | 'invalid_assertion'
  /** The signature counter did not move forward (a cloned authenticator, WebAuthn §6.1.1), or a concurrent use won. */
  | 'counter_mismatch';

export type DecisionAssertionResult = { ok: true; deviceId: string } | { ok: false; reason: DecisionAssertionFailure };

export type AssertingDevice = { id: string; credentialId: string; publicKey: string; signCount: number };

const fromBase64Url = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, 'base64url'));

/**
 * Verifies an assertion (WebAuthn §7.2) of one enrolled device over
 * `expectedChallenge`, with user verification required, against APP_URL's
 * origin and RP ID; then moves the device's signature counter by one
 * conditional update (the counter it read), so two uses of one assertion
 * cannot both pass. Never throws for a bad assertion.
 */
export const verifyDeviceAssertion = async (
  db: Db,
  device: AssertingDevice,
  options: { response: AuthenticationResponseJSON; expectedChallenge: string; now?: Date },
): Promise<DecisionAssertionResult> => {
  const { response, expectedChallenge } = options;
  const { origin, rpId } = relyingParty();
  let newCounter: number;
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: rpId,
      requireUserVerification: true,
      authenticator: {
        credentialID: fromBase64Url(device.credentialId),
        credentialPublicKey: fromBase64Url(device.publicKey),
        counter: device.signCount,
      },
    });
    if (!verification.verified || !verification.authenticationInfo.userVerified) {
      return { ok: false, reason: 'invalid_assertion' };
    }
    newCounter = verification.authenticationInfo.newCounter;
  } catch (error) {
    // The library throws for every malformed or mismatching response; a counter that went back is its own reason.
    if (error instanceof Error && /counter/i.test(error.message)) return { ok: false, reason: 'counter_mismatch' };

    return { ok: false, reason: 'invalid_assertion' };
  }

  const moved = await db.authenticatorDevice.updateMany({
    where: { id: device.id, signCount: device.signCount },
    data: { signCount: newCounter, lastUsedAt: options.now ?? new Date() },
  });
  if (moved.count !== 1) return { ok: false, reason: 'counter_mismatch' };

  return { ok: true, deviceId: device.id };
};

/** The enrolled device a response names (its credential id), whoever it belongs to; null for none. */
export const findAssertingDevice = async (
  db: Db,
  response: AuthenticationResponseJSON,
): Promise<(AssertingDevice & { tenantId: string; userId: string }) | null> => {
  if (typeof response?.id !== 'string' || response.id === '' || response.id.length > 1024) return null;

  return db.authenticatorDevice.findUnique({
    where: { credentialId: response.id },
    select: { id: true, credentialId: true, publicKey: true, signCount: true, tenantId: true, userId: true },
  });
};

/**
 * Verifies a WebAuthn assertion (WebAuthn §7.2) made by one of the user's
 * enrolled authenticators over `expectedChallenge` (decisionChallenge:
 * bound to the request and the decision), with user verification required,
 * against APP_URL's origin and RP ID; then moves the device's signature
 * counter by one conditional update (the counter it read), so two uses of one
 * assertion cannot both pass. Never throws for a bad assertion.
 */
export const verifyDecisionAssertion = async (
  db: Db,
  options: { tenantId: string; userId: string; response: AuthenticationResponseJSON; expectedChallenge: string; now?: Date },
): Promise<DecisionAssertionResult> => {
  const { tenantId, userId, response } = options;
  const device = await findAssertingDevice(db, response);
  if (!device || device.tenantId !== tenantId || device.userId !== userId) return { ok: false, reason: 'unknown_device' };

  return verifyDeviceAssertion(db, device, options);
};

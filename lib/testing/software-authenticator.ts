import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/types';

/**
 * A software WebAuthn authenticator for tests (WebAuthn §6): one ES256 (P-256)
 * credential, "none" attestation, a signature counter it moves by one per
 * assertion. `userVerified: false` clears the UV flag; `counter` forces the
 * counter an assertion carries (replays, clones).
 */
export type SoftwareAuthenticator = {
  credentialId: string;
  counter: number;
  register(challenge: string, options?: { userVerified?: boolean; origin?: string }): RegistrationResponseJSON;
  assert(
    challenge: string,
    options?: { userVerified?: boolean; counter?: number; origin?: string; userHandle?: string },
  ): AuthenticationResponseJSON;
};

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

const coseKeyOf = (publicKey: KeyObject): Uint8Array => {
  const jwk = publicKey.export({ format: 'jwk' });
  const map = new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
    [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
  ]);

  return isoCBOR.encode(map);
};

export const createSoftwareAuthenticator = ({ origin, rpId }: { origin: string; rpId: string }): SoftwareAuthenticator => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const credentialIdBytes = randomBytes(32);
  const rpIdHash = sha256(rpId);

  const authData = (flags: number, counter: number, attested?: Uint8Array): Buffer => {
    const head = Buffer.alloc(37);
    rpIdHash.copy(head, 0);
    head[32] = flags;
    head.writeUInt32BE(counter, 33);

    return attested ? Buffer.concat([head, attested]) : head;
  };
  const clientData = (type: string, challenge: string, at: string): Buffer =>
    Buffer.from(JSON.stringify({ type, challenge, origin: at, crossOrigin: false }), 'utf8');

  const authenticator: SoftwareAuthenticator = {
    credentialId: b64url(credentialIdBytes),
    counter: 0,
    register(challenge, options = {}) {
      const flags = 0x01 | (options.userVerified === false ? 0 : 0x04) | 0x40;
      const length = Buffer.alloc(2);
      length.writeUInt16BE(credentialIdBytes.length);
      const attested = Buffer.concat([Buffer.alloc(16), length, credentialIdBytes, coseKeyOf(publicKey)]);
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', new Uint8Array(authData(flags, 0, attested))],
        ]) as never,
      );

      return {
        id: authenticator.credentialId,
        rawId: authenticator.credentialId,
        type: 'public-key',
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', challenge, options.origin ?? origin)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
      };
    },
    assert(challenge, options = {}) {
      const counter = options.counter ?? authenticator.counter + 1;
      authenticator.counter = Math.max(authenticator.counter, counter);
      const flags = 0x01 | (options.userVerified === false ? 0 : 0x04);
      const data = authData(flags, counter);
      const clientDataJSON = clientData('webauthn.get', challenge, options.origin ?? origin);
      const signature = sign('sha256', Buffer.concat([data, sha256(clientDataJSON)]), privateKey);

      return {
        id: authenticator.credentialId,
        rawId: authenticator.credentialId,
        type: 'public-key',
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
        response: {
          clientDataJSON: b64url(clientDataJSON),
          authenticatorData: b64url(data),
          signature: b64url(signature),
          ...(options.userHandle ? { userHandle: options.userHandle } : {}),
        },
      };
    },
  };

  return authenticator;
};

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AuthenticationResponseJSON } from '@simplewebauthn/types';
import type { Db } from '@/lib/db/client';

/**
 * A software WebAuthn authenticator for tests (WebAuthn §6.1, §6.3.3): one
 * ES256 (P-256) credential, made with node:crypto, that signs assertions the
 * way a platform authenticator does — authenticator data (RP ID hash, flags
 * UP|UV, a counter) and the client data JSON a browser would build.
 */
export type SoftwarePasskey = {
  credentialId: string;
  /** The credential's COSE_Key (RFC 9053 EC2, alg -7), base64url: AuthenticatorDevice.publicKey. */
  publicKey: string;
  /** An assertion over `challenge` (base64url) for `origin`; the counter moves by one each time. */
  assert: (options: { challenge: string; origin: string; rpId: string; userVerified?: boolean }) => AuthenticationResponseJSON;
};

const b64u = (bytes: Buffer | Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** The COSE_Key of a P-256 public key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}, as CBOR. */
const coseKeyOf = (publicKey: KeyObject): Buffer => {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');

  return Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]),
    x,
    Buffer.from([0x22, 0x58, 0x20]),
    y,
  ]);
};

export const createSoftwarePasskey = (): SoftwarePasskey => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const credentialId = b64u(randomBytes(32));
  let counter = 0;

  return {
    credentialId,
    publicKey: b64u(coseKeyOf(publicKey)),
    assert: ({ challenge, origin, rpId, userVerified = true }) => {
      counter += 1;
      const counterBytes = Buffer.alloc(4);
      counterBytes.writeUInt32BE(counter);
      // Flags: UP (0x01), and UV (0x04) unless told otherwise.
      const authenticatorData = Buffer.concat([
        createHash('sha256').update(rpId).digest(),
        Buffer.from([userVerified ? 0x05 : 0x01]),
        counterBytes,
      ]);
      const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
      const signature = sign(
        'sha256',
        Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]),
        privateKey,
      );

      return {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key',
        response: {
          authenticatorData: b64u(authenticatorData),
          clientDataJSON: b64u(clientDataJSON),
          signature: b64u(signature),
        },
        clientExtensionResults: {},
      };
    },
  };
};

/** Stores `passkey` as an enrolled AuthenticatorDevice of the user (what enrolment would write). */
export const enrollSoftwarePasskey = async (
  db: Db,
  options: { id: string; tenantId: string; userId: string; passkey: SoftwarePasskey; name?: string },
): Promise<void> => {
  await db.authenticatorDevice.create({
    data: {
      id: options.id,
      tenantId: options.tenantId,
      userId: options.userId,
      name: options.name ?? 'Test passkey',
      credentialId: options.passkey.credentialId,
      publicKey: options.passkey.publicKey,
      transports: JSON.stringify(['internal']),
    },
  });
};

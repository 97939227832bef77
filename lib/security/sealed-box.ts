import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ENVELOPE_VERSION = 'v1';

/**
 * AES-256-GCM envelope `v1.<iv>.<ciphertext>.<tag>` (base64url parts) for a
 * secret that must be used again (a private key, a link token awaiting
 * delivery). `context` is bound as associated data, so a ciphertext cannot be
 * moved to another row.
 */
export const seal = (plaintext: string, context: string, key: Buffer): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);

  return [ENVELOPE_VERSION, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
};

/** Opens a `seal` envelope; null when it is malformed, tampered with, or sealed under another key or context. */
export const unseal = (envelope: string, context: string, key: Buffer): string | null => {
  const [version, iv, ciphertext, tag] = envelope.split('.');
  if (version !== ENVELOPE_VERSION || !iv || !ciphertext || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));

    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
};

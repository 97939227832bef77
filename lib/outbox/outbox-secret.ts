import { getEnv } from '@/lib/env';
import { seal, unseal } from '@/lib/security/sealed-box';

/** Seals a one-time secret an outbox message must carry (e.g. an approval link token) under the key-encryption key, bound to the message id. */
export const sealOutboxSecret = (secret: string, messageId: string): string =>
  seal(secret, `outbox:${messageId}`, getEnv().keyEncryptionKey);

/** The secret of a message, or null when it cannot be opened (another key, or tampered with). */
export const openOutboxSecret = (envelope: string, messageId: string): string | null =>
  unseal(envelope, `outbox:${messageId}`, getEnv().keyEncryptionKey);

import { getEnv } from '@/lib/env';
import { seal, unseal } from '@/lib/security/sealed-box';

/** A Web Push subscription's keys (RFC 8291 §3: the UA's P-256 public key and the auth secret), base64url. */
export type PushSubscriptionKeys = { p256dh: string; auth: string };

/**
 * AuthenticatorDevice.pushKeys: the subscription's keys sealed under the
 * key-encryption key, bound to the device id (one device's row cannot carry
 * another's keys). The auth secret is what lets anyone encrypt to the device.
 */
export const sealPushSubscriptionKeys = (deviceId: string, keys: PushSubscriptionKeys): string =>
  seal(JSON.stringify({ p256dh: keys.p256dh, auth: keys.auth }), `web-push-subscription:${deviceId}`, getEnv().keyEncryptionKey);

/** The keys sealed by sealPushSubscriptionKeys, or null when they cannot be opened. */
export const unsealPushSubscriptionKeys = (deviceId: string, sealed: string): PushSubscriptionKeys | null => {
  const plaintext = unseal(sealed, `web-push-subscription:${deviceId}`, getEnv().keyEncryptionKey);
  if (plaintext === null) return null;
  const parsed = JSON.parse(plaintext) as Partial<PushSubscriptionKeys>;

  return typeof parsed.p256dh === 'string' && typeof parsed.auth === 'string'
    ? { p256dh: parsed.p256dh, auth: parsed.auth }
    : null;
};

import { deleteAuthenticatorDevice, toDeviceView, type AuthenticatorDeviceView } from '@/lib/admin/authenticator-devices';
import { userActorLabel } from '@/lib/authenticator/authenticator-events';
import { AuthenticatorError } from '@/lib/authenticator/errors';
import { sealPushSubscriptionKeys } from '@/lib/authenticator/push-subscription-keys';
import type { AuthenticatorSession } from '@/lib/authenticator/session';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';

/** The signed-in user's own devices (the app's Devices screen), oldest first, `current` marking this one. */
export const listOwnDevices = async (
  db: Db,
  session: AuthenticatorSession,
): Promise<(AuthenticatorDeviceView & { current: boolean })[]> => {
  const rows = await db.authenticatorDevice.findMany({
    where: { tenantId: session.tenantId, userId: session.userId },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, pushEndpoint: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });

  return rows.map((row) => ({ ...toDeviceView(row), current: row.id === session.deviceId }));
};

/**
 * The user revokes one of their own devices (this one included: that ends
 * this session too). The same deletion and event as an admin's revocation.
 *
 * @throws AuthenticatorError not_found for a device that is not the user's.
 */
export const revokeOwnDevice = async (
  db: Db,
  session: AuthenticatorSession,
  deviceId: unknown,
  now = new Date(),
): Promise<void> => {
  const deleted =
    typeof deviceId === 'string' &&
    deviceId.length <= 200 &&
    (await deleteAuthenticatorDevice(db, {
      tenantId: session.tenantId,
      userId: session.userId,
      deviceId,
      actor: userActorLabel(session.userId),
      now,
    }));
  if (!deleted) throw new AuthenticatorError('not_found', 'No such device.');
};

/** Longest push endpoint accepted (push services use a few hundred characters). */
export const PUSH_ENDPOINT_MAX_LENGTH = 1024;

const HTTP_LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether a push subscription's endpoint (RFC 8030 §5) may be stored: an
 * https URL without credentials, at most PUSH_ENDPOINT_MAX_LENGTH
 * characters; plain http only to a loopback host with
 * ALLOW_HTTP_LOOPBACK_CALLBACKS (local push services in tests).
 */
export const isAcceptablePushEndpoint = (endpoint: unknown): endpoint is string => {
  if (typeof endpoint !== 'string' || endpoint.length === 0 || endpoint.length > PUSH_ENDPOINT_MAX_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') return false;
  if (url.protocol === 'https:') return true;

  return url.protocol === 'http:' && getEnv().allowHttpLoopbackCallbacks && HTTP_LOOPBACK_HOSTS.has(url.hostname);
};

/** p256dh (65-byte P-256 point) and auth (16 bytes), base64url: checked by shape and length. */
const KEY_PATTERN = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Stores this device's Web Push subscription (PushSubscription.toJSON():
 * endpoint and keys), the keys sealed (sealPushSubscriptionKeys). A new
 * subscription replaces the old one.
 *
 * @throws AuthenticatorError invalid_request for an endpoint that is not acceptable or keys that are not a subscription's.
 */
export const storePushSubscription = async (db: Db, session: AuthenticatorSession, subscription: unknown): Promise<void> => {
  const { endpoint, keys } = (typeof subscription === 'object' && subscription !== null ? subscription : {}) as {
    endpoint?: unknown;
    keys?: { p256dh?: unknown; auth?: unknown };
  };
  if (!isAcceptablePushEndpoint(endpoint)) {
    throw new AuthenticatorError('invalid_request', 'endpoint must be an https URL of at most 1024 characters.');
  }
  const { p256dh, auth } = keys ?? {};
  if (
    typeof p256dh !== 'string' ||
    typeof auth !== 'string' ||
    !KEY_PATTERN.test(p256dh) ||
    !KEY_PATTERN.test(auth) ||
    Buffer.from(p256dh, 'base64url').length !== 65 ||
    Buffer.from(auth, 'base64url').length !== 16
  ) {
    throw new AuthenticatorError('invalid_request', "keys must hold the subscription's p256dh and auth keys.");
  }
  await db.authenticatorDevice.update({
    where: { id: session.deviceId },
    data: { pushEndpoint: endpoint, pushKeys: sealPushSubscriptionKeys(session.deviceId, { p256dh, auth }) },
  });
};

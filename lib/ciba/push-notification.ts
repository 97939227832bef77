import { authenticatorRequestPath, type AuthenticatorPushPayload } from '@/lib/authenticator/app-paths';
import { createHash } from 'node:crypto';
import type { Agent } from 'node:https';
import webPush, { WebPushError } from 'web-push';
import { unsealPushSubscriptionKeys } from '@/lib/authenticator/push-subscription-keys';
import { getVapidKeys } from '@/lib/authenticator/vapid-keys';
import type { Db } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';
import type { DeliveryResult, OutboxHandler } from '@/lib/outbox/outbox-handler';
import type { NewOutboxMessage } from '@/lib/store/protocol-store';
import { isRequestExpired } from '@/lib/store/request-lifecycle';

export const PUSH_NOTIFICATION_TYPE = 'push_notification';

/** How long we wait for a push service (RFC 8030 §5) before counting the attempt as failed (and retrying). */
export const PUSH_SEND_TIMEOUT_MS = 10_000;

/**
 * What a notification shows — on a lock screen, so nothing personal beyond
 * the application's name and the binding message (issue 13): no user name,
 * email, scopes or authorization details. The authenticator's request screen
 * (`url`, same origin as the service worker) shows the request in full after
 * sign-in.
 */
export type PushNotificationPayload = AuthenticatorPushPayload;

export const buildPushNotificationPayload = (input: {
  requestId: string;
  clientName: string;
  bindingMessage: string | null;
}): PushNotificationPayload => ({
  title: `${input.clientName} asks you to approve a sign-in`,
  body: input.bindingMessage
    ? `Approve only if the other device shows ${input.bindingMessage}.`
    : 'Open to review the request, then approve or deny.',
  url: authenticatorRequestPath(input.requestId),
  request_id: input.requestId,
});

/** The push message's outbox payload: which device, and who it concerns (for events). No secret. */
type PushNotificationMessage = { deviceId: string; clientId: string; userId: string };

/**
 * The outbox message that pushes one request to one of the user's devices
 * (the push channel of our authentication device, CIBA §5), written in the
 * same unit as the request. The notification is rendered when sent, from the
 * request and the device's subscription as stored then.
 */
export const queuePushNotification = (input: {
  id: string;
  tenantId: string;
  requestId: string;
  clientId: string;
  userId: string;
  deviceId: string;
  now: Date;
}): NewOutboxMessage => {
  const payload: PushNotificationMessage = { deviceId: input.deviceId, clientId: input.clientId, userId: input.userId };

  return {
    id: input.id,
    tenantId: input.tenantId,
    requestId: input.requestId,
    type: PUSH_NOTIFICATION_TYPE,
    payload: JSON.stringify(payload),
    encryptedSecret: null,
    availableAt: input.now,
    createdAt: input.now,
  };
};

/**
 * RFC 8030 §5.4 Topic: at most 32 characters of the URL-safe base64
 * alphabet. One per request, so a push service holding an undelivered
 * message replaces it rather than stacking copies for one request.
 */
export const pushTopicFor = (requestId: string): string =>
  createHash('sha256').update(requestId).digest('base64url').slice(0, 32);

/** A final failure with nothing sent. */
const dropped = (error: string): DeliveryResult => ({ ok: false, error, retryable: false });

/**
 * A push service's answer, as a delivery result (RFC 8030 §5, §7.3; RFC 8292 §5):
 * 201 delivered; 404/410 the subscription is gone (final, and the device's
 * subscription removed with the outcome); 429 and 5xx retried on the
 * outbox's schedule; any other 4xx (a payload or VAPID the service refuses)
 * final. A network error or timeout (no status) is retried.
 */
export const classifyPushFailure = (error: unknown, subscription: { deviceId: string; endpoint: string }): DeliveryResult => {
  if (!(error instanceof WebPushError)) {
    return {
      ok: false,
      error: `push service unreachable: ${error instanceof Error ? error.message : String(error)}`,
      retryable: true,
    };
  }
  const status = error.statusCode;
  const detail = `push service answered HTTP ${status}${error.body ? `: ${error.body.slice(0, 200)}` : ''}`;
  if (status === 404 || status === 410) {
    return { ok: false, error: `${detail} (subscription gone; removed)`, retryable: false, removePushSubscription: subscription };
  }

  return { ok: false, error: detail, retryable: status === 429 || status >= 500 };
};

export type WebPushHandlerOptions = {
  /** The HTTPS agent for push services (tests: one that trusts a local push service's certificate). */
  agent?: Agent;
};

/**
 * Delivers Web Push notifications (RFC 8030) with the `web-push` library:
 * the payload encrypted for the subscription (RFC 8291, aes128gcm), signed
 * with the installation's VAPID key (RFC 8292; `sub` = WEB_PUSH_SUBJECT),
 * `TTL` the request's remaining lifetime (a notification after the expiry is
 * useless), `Urgency: high` (the user is waiting on another device), one
 * `Topic` per request. A request that is no longer pending, or a device
 * without a subscription any more, is not pushed (a final failure). The
 * message id is not sent: a retried push after a lost answer may show twice,
 * which the service worker's per-request `tag` collapses.
 */
export const createWebPushHandler = (
  db: Db,
  clock: () => Date = () => new Date(),
  options: WebPushHandlerOptions = {},
): OutboxHandler => ({
  type: PUSH_NOTIFICATION_TYPE,
  channel: 'push',
  deliver: async (message) => {
    const { deviceId } = JSON.parse(message.payload) as PushNotificationMessage;
    if (message.requestId === null) return dropped('The push message names no request.');
    const [request, device] = await Promise.all([
      db.backchannelRequest.findUnique({
        where: { id: message.requestId },
        select: { status: true, expiresAt: true, bindingMessage: true, client: { select: { name: true } } },
      }),
      db.authenticatorDevice.findUnique({ where: { id: deviceId }, select: { pushEndpoint: true, pushKeys: true } }),
    ]);
    if (!request) return dropped('The request no longer exists.');
    const now = clock();
    if (request.status !== 'pending' || isRequestExpired(request, now)) {
      return dropped(`The request was ${request.status === 'pending' ? 'expired' : request.status} before its push was sent.`);
    }
    if (!device) return dropped('The device was removed before its push was sent.');
    if (device.pushEndpoint === null || device.pushKeys === null) return dropped('The device has no push subscription any more.');
    const keys = unsealPushSubscriptionKeys(deviceId, device.pushKeys);
    if (keys === null) return dropped("The device's push subscription keys cannot be opened with this key-encryption key.");
    const vapid = await getVapidKeys(db);
    const payload = buildPushNotificationPayload({
      requestId: message.requestId,
      clientName: request.client.name,
      bindingMessage: request.bindingMessage,
    });
    const subscription = { deviceId, endpoint: device.pushEndpoint };
    try {
      const response = await webPush.sendNotification({ endpoint: device.pushEndpoint, keys }, JSON.stringify(payload), {
        vapidDetails: { subject: getBaseEnv().webPushSubject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
        TTL: Math.max(1, Math.ceil((request.expiresAt.getTime() - now.getTime()) / 1000)),
        urgency: 'high',
        topic: pushTopicFor(message.requestId),
        contentEncoding: 'aes128gcm',
        timeout: PUSH_SEND_TIMEOUT_MS,
        ...(options.agent ? { agent: options.agent } : {}),
      });
      const location = response.headers.location;

      return {
        ok: true,
        providerMessageId: typeof location === 'string' && location ? location.slice(0, 500) : `HTTP ${response.statusCode}`,
      };
    } catch (error) {
      return classifyPushFailure(error, subscription);
    }
  },
});

import { queueApprovalEmail } from '@/lib/ciba/approval-email';
import { queuePushNotification } from '@/lib/ciba/push-notification';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { invalidRequest, noNotificationChannel } from '@/lib/oauth/errors';
import type { NewOutboxMessage } from '@/lib/store/protocol-store';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/**
 * The channels that reach the user (our authentication device, CIBA §5): Web
 * Push to an enrolled authenticator, and the emailed approval link.
 */
export const NOTIFICATION_CHANNELS = ['push', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** The bc-authorize parameter (our extension) by which a client asks for one channel for a request. */
export const NOTIFICATION_CHANNEL_PARAMETER = 'notification_channel';

type ChannelSettings = Pick<TenantRecord, 'emailChannelEnabled' | 'pushChannelEnabled' | 'emailFallbackSeconds'>;

/** The channels a tenant has on (discovery's backchannel_notification_channels_supported). */
export const enabledNotificationChannels = (tenant: ChannelSettings): NotificationChannel[] =>
  NOTIFICATION_CHANNELS.filter((channel) => (channel === 'push' ? tenant.pushChannelEnabled : tenant.emailChannelEnabled));

/**
 * `notification_channel` as sent (form or signed request object): absent, or
 * one of the tenant's channels that is on. Checked with the other parameters,
 * before the hint (CIBA §7.2); whether the user has a device is checked once
 * the hint resolved (planNotifications).
 *
 * @throws OAuthError 400 invalid_request: an unknown value, or a channel that is off for the tenant.
 */
export const parseNotificationChannel = (raw: string | null, tenant: ChannelSettings): NotificationChannel | null => {
  if (raw === null) return null;
  const channel = NOTIFICATION_CHANNELS.find((name) => name === raw);
  if (channel === undefined) {
    throw invalidRequest(`notification_channel must be one of ${NOTIFICATION_CHANNELS.join(', ')}.`);
  }
  if (!enabledNotificationChannels(tenant).includes(channel)) {
    throw invalidRequest(`The ${channel} notification channel is off for this provider.`);
  }

  return channel;
};

/**
 * Who is notified how: a push to each of `pushDeviceIds` at once, and the
 * approval email `emailAfterSeconds` later (0: at once; null: no email).
 */
export type NotificationPlan = { pushDeviceIds: string[]; emailAfterSeconds: number | null };

/**
 * The tenant's channel order for one request (issue 13):
 * - push on and the user has ≥ 1 device subscribed to Web Push: a push to
 *   each now, and (email on) the approval email `emailFallbackSeconds` later —
 *   its handler sends nothing once the request is no longer pending;
 * - otherwise the email at once; push only and no device: refused;
 * - `requested` (notification_channel): only that channel; push needs a device.
 * The user's devices are read (one indexed read) only when push may be used:
 * tenants without push pay nothing on bc-authorize's hot path.
 *
 * @throws OAuthError 400 invalid_request (push requested, no device); 403 access_denied (no channel reaches the user).
 */
export const planNotifications = async (
  listPushDeviceIds: (userId: string) => Promise<string[]>,
  options: { tenant: ChannelSettings; userId: string; requested: NotificationChannel | null },
): Promise<NotificationPlan> => {
  const { tenant, userId, requested } = options;
  if (requested === 'email') return { pushDeviceIds: [], emailAfterSeconds: 0 };
  const pushDeviceIds = tenant.pushChannelEnabled ? await listPushDeviceIds(userId) : [];
  if (requested === 'push') {
    if (pushDeviceIds.length === 0) {
      throw invalidRequest('notification_channel=push: the user has no authenticator that receives push notifications.');
    }

    return { pushDeviceIds, emailAfterSeconds: null };
  }
  if (pushDeviceIds.length > 0) {
    return { pushDeviceIds, emailAfterSeconds: tenant.emailChannelEnabled ? tenant.emailFallbackSeconds : null };
  }
  if (!tenant.emailChannelEnabled) {
    throw noNotificationChannel(
      tenant.pushChannelEnabled ? 'push only, and the user has no device subscribed to Web Push' : 'both channels are off',
    );
  }

  return { pushDeviceIds: [], emailAfterSeconds: 0 };
};

/** The outbox messages of a plan, written in the unit that stores the request (never a send before its commit). */
export const queueNotifications = (
  plan: NotificationPlan,
  input: {
    tenantId: string;
    requestId: string;
    clientId: string;
    userId: string;
    linkId: string;
    approvalToken: string;
    now: Date;
  },
): NewOutboxMessage[] => {
  const { now, linkId, approvalToken, ...subject } = input;
  const pushes = plan.pushDeviceIds.map((deviceId) =>
    queuePushNotification({ id: timeOrderedId(now), ...subject, deviceId, now }),
  );
  if (plan.emailAfterSeconds === null) return pushes;
  const email = queueApprovalEmail({ id: timeOrderedId(now), ...subject, linkId, approvalToken, now });
  email.availableAt = new Date(now.getTime() + plan.emailAfterSeconds * 1000);

  return [...pushes, email];
};

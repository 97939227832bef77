import { invalidInput } from '@/lib/admin/errors';
import { checkNotificationEndpoint } from '@/lib/ciba/notification-endpoint';
import { getBaseEnv } from '@/lib/env';

/**
 * A notification endpoint being registered must not resolve to a loopback,
 * private or link-local address (or be plain http) unless
 * ALLOW_HTTP_LOOPBACK_CALLBACKS admits it (lib/ciba/notification-endpoint.ts).
 * Resolved before any transaction opens: a slow resolver never holds a lock.
 *
 * @throws AdminError `invalid_input` on `backchannel_client_notification_endpoint`.
 */
export const requireAllowedNotificationEndpoint = async (endpoint: string | null | undefined): Promise<void> => {
  if (endpoint === null || endpoint === undefined) return;
  const checked = await checkNotificationEndpoint(endpoint, { allowHttpLoopback: getBaseEnv().allowHttpLoopbackCallbacks });
  if (!checked.ok) throw invalidInput([{ path: 'backchannel_client_notification_endpoint', message: checked.problem }]);
};

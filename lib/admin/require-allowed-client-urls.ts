import { invalidInput } from '@/lib/admin/errors';
import { checkNotificationEndpoint } from '@/lib/ciba/notification-endpoint';
import { getBaseEnv } from '@/lib/env';

/**
 * The URLs a client registration makes the server call — its notification
 * endpoint and its jwks_uri — must not resolve to a loopback, private or
 * link-local address (or be plain http) unless ALLOW_HTTP_LOOPBACK_CALLBACKS
 * admits it (lib/ciba/notification-endpoint.ts). Resolved before any
 * transaction opens: a slow resolver never holds a lock.
 *
 * @throws AdminError `invalid_input` on each field whose URL is refused.
 */
export const requireAllowedClientUrls = async (urls: {
  backchannel_client_notification_endpoint?: string | null;
  jwks_uri?: string | null;
}): Promise<void> => {
  const allowHttpLoopback = getBaseEnv().allowHttpLoopbackCallbacks;
  const problems = await Promise.all(
    Object.entries(urls).map(async ([path, url]) => {
      if (url === null || url === undefined) return null;
      const checked = await checkNotificationEndpoint(url, { allowHttpLoopback });

      return checked.ok ? null : { path, message: checked.problem };
    }),
  );
  const fields = problems.filter((problem) => problem !== null);
  if (fields.length > 0) throw invalidInput(fields);
};

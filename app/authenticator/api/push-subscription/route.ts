// POST /authenticator/api/push-subscription – store this device's Web Push subscription
import { appSessionPost, jsonResponse } from '@/lib/authenticator/app-http';
import { storePushSubscription } from '@/lib/authenticator/own-devices';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return appSessionPost(request, async ({ db, session, body }) => {
    await storePushSubscription(db, session, body.subscription);

    return jsonResponse(204, undefined);
  });
}

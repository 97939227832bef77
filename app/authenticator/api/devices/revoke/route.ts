// POST /authenticator/api/devices/revoke – the user revokes one of their own devices
import { appSessionPost, jsonResponse } from '@/lib/authenticator/app-http';
import { revokeOwnDevice } from '@/lib/authenticator/own-devices';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return appSessionPost(request, async ({ db, session, body }) => {
    await revokeOwnDevice(db, session, body.device_id);

    return jsonResponse(200, { revoked: true, signed_out: body.device_id === session.deviceId });
  });
}

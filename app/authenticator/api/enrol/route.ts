// POST /authenticator/api/enrol – complete an enrolment: verify the registration, create the device, use the link, sign in
import type { RegistrationResponseJSON } from '@simplewebauthn/types';
import { appPost, jsonResponse, sessionCookieHeader } from '@/lib/authenticator/app-http';
import { completeEnrollment } from '@/lib/authenticator/registration';
import { openAuthenticatorSession } from '@/lib/authenticator/session';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return appPost(request, async ({ db, body }) => {
    const now = new Date();
    const { deviceId } = await completeEnrollment(db, {
      token: body.token,
      response: body.response as RegistrationResponseJSON,
      deviceName: body.name,
      now,
    });
    // The registration was just made with user verification on this device: it opens the first session.
    const { token, expiresAt } = await openAuthenticatorSession(db, { deviceId, sessionId: timeOrderedId(now), now });

    return jsonResponse(201, { device_id: deviceId }, { 'Set-Cookie': sessionCookieHeader(token, expiresAt) });
  });
}

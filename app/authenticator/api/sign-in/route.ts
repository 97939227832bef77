// POST /authenticator/api/sign-in – verify the passkey assertion, open a session (HttpOnly cookie)
import type { AuthenticationResponseJSON } from '@simplewebauthn/types';
import { appPost, jsonResponse, sessionCookieHeader } from '@/lib/authenticator/app-http';
import { signInWithPasskey } from '@/lib/authenticator/session';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return appPost(request, async ({ db, body }) => {
    const { token, expiresAt } = await signInWithPasskey(db, {
      challenge: body.challenge,
      response: body.response as AuthenticationResponseJSON,
    });

    return jsonResponse(200, { signed_in: true }, { 'Set-Cookie': sessionCookieHeader(token, expiresAt) });
  });
}

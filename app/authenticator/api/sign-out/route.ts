// POST /authenticator/api/sign-out – end this session
import { appPost, jsonResponse, sessionCookieHeader, sessionTokenOf } from '@/lib/authenticator/app-http';
import { closeAuthenticatorSession } from '@/lib/authenticator/session';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return appPost(request, async ({ db }) => {
    await closeAuthenticatorSession(db, sessionTokenOf(request));

    return jsonResponse(200, { signed_in: false }, { 'Set-Cookie': sessionCookieHeader(null) });
  });
}

// POST /authenticator/api/sign-in/options – WebAuthn options for signing in with a discoverable passkey
import { appPost, jsonResponse } from '@/lib/authenticator/app-http';
import { signInOptions } from '@/lib/authenticator/session';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return appPost(request, async () => jsonResponse(200, signInOptions()));
}

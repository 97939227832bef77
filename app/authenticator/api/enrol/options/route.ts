// POST /authenticator/api/enrol/options – WebAuthn registration options of one enrolment link (reads only)
import { appPost, jsonResponse } from '@/lib/authenticator/app-http';
import { enrollmentRegistrationOptions } from '@/lib/authenticator/registration';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return appPost(request, async ({ db, body }) => jsonResponse(200, await enrollmentRegistrationOptions(db, body.token)));
}

// POST /authenticator/api/requests/<id>/options – WebAuthn options for one decision (challenge = decisionChallenge)
import { appSessionPost, jsonResponse } from '@/lib/authenticator/app-http';
import { decisionOptions } from '@/lib/authenticator/requests';
import { getProtocolData } from '@/lib/store/get-protocol-store';

export const dynamic = 'force-dynamic';

type RouteContext = { params: Promise<{ id: string }> };

export async function POST(request: Request, { params }: RouteContext): Promise<Response> {
  const { id } = await params;

  return appSessionPost(request, async ({ db, session, body }) =>
    jsonResponse(
      200,
      await decisionOptions(db, getProtocolData().store, session, { requestId: id, decision: body.decision, items: body.items }),
    ),
  );
}

// POST /authenticator/api/requests/<id>/decision – approve or deny with a passkey assertion bound to the decision
import { appSessionPost, jsonResponse } from '@/lib/authenticator/app-http';
import { decideInApp } from '@/lib/authenticator/requests';
import { getProtocolData } from '@/lib/store/get-protocol-store';

export const dynamic = 'force-dynamic';

type RouteContext = { params: Promise<{ id: string }> };

export async function POST(request: Request, { params }: RouteContext): Promise<Response> {
  const { id } = await params;

  return appSessionPost(request, async ({ db, session, body }) =>
    jsonResponse(
      200,
      await decideInApp(db, getProtocolData().store, session, {
        requestId: id,
        decision: body.decision,
        items: body.items,
        response: body.response,
      }),
    ),
  );
}

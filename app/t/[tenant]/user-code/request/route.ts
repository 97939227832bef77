// POST /t/<tenant>/user-code/request – the email form's target: emails a one-time link (lib/ciba/user-code-link.ts)
import { requestUserCodeLink, userCodePagePath } from '@/lib/ciba/user-code-link';
import { collectBody } from '@/lib/http/collect-body';
import { readFormPost, singleField } from '@/lib/http/read-form-post';
import { log } from '@/lib/log';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 4096;

type RouteContext = { params: Promise<{ tenant: string }> };

/** 303 by path (see the approval decision route): the same answer whether or not the email is a user's. */
const redirect = (location: string): Response =>
  new Response(null, { status: 303, headers: { 'Cache-Control': 'no-store', Location: location } });

export async function POST(request: Request, { params }: RouteContext): Promise<Response> {
  const { tenant } = await params;
  if (!TENANT_SLUG_PATTERN.test(tenant)) return new Response('Unknown tenant.\n', { status: 404 });
  const page = userCodePagePath(tenant);
  try {
    const body = await collectBody(request.body, MAX_BODY_BYTES);
    const form = body.length > MAX_BODY_BYTES ? null : await readFormPost(request, body);
    if (form === null) return redirect(`${page}/done?outcome=invalid`);
    const { outcome, detail } = await requestUserCodeLink(getProtocolData().store, {
      tenantSlug: tenant,
      email: singleField(form, 'email'),
      csrfToken: singleField(form, 'csrf_token'),
      headers: request.headers,
    });
    if (detail) log.info({ tenant, detail }, 'user code link request');

    return redirect(outcome === 'sent' ? `${page}?sent=1` : `${page}/done?outcome=invalid`);
  } catch (error) {
    log.error({ err: error, tenant }, 'user code link request failed');

    return redirect(`${page}/done?outcome=error`);
  }
}

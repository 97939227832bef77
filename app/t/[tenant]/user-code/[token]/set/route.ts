// POST /t/<tenant>/user-code/<token>/set – the set-code form's target (lib/ciba/user-code-link.ts)
import { setOwnUserCode, userCodePagePath } from '@/lib/ciba/user-code-link';
import { collectBody } from '@/lib/http/collect-body';
import { readFormPost, singleField } from '@/lib/http/read-form-post';
import { log } from '@/lib/log';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 4096;

type RouteContext = { params: Promise<{ tenant: string; token: string }> };

/** 303 by path (see the approval decision route). */
const redirect = (location: string): Response =>
  new Response(null, { status: 303, headers: { 'Cache-Control': 'no-store', Location: location } });

export async function POST(request: Request, { params }: RouteContext): Promise<Response> {
  const { tenant, token } = await params;
  if (!TENANT_SLUG_PATTERN.test(tenant)) return new Response('Unknown tenant.\n', { status: 404 });
  const page = userCodePagePath(tenant);
  try {
    const body = await collectBody(request.body, MAX_BODY_BYTES);
    const form = body.length > MAX_BODY_BYTES ? null : await readFormPost(request, body);
    if (form === null) return redirect(`${page}/done?outcome=invalid`);
    const { outcome, message, detail } = await setOwnUserCode(getProtocolData().store, {
      tenantSlug: tenant,
      token,
      code: singleField(form, 'code'),
      confirmation: singleField(form, 'confirmation'),
      csrfToken: singleField(form, 'csrf_token'),
      headers: request.headers,
    });
    if (detail) log.warn({ tenant, detail }, 'user code change refused');
    // A code that breaks a rule, or a confirmation that differs: back to the form, which still works.
    if (outcome === 'rejected' || outcome === 'mismatch') {
      const query = new URLSearchParams({ error: outcome, ...(message ? { message } : {}) });

      return redirect(`${page}/${encodeURIComponent(token)}?${query.toString()}`);
    }

    return redirect(`${page}/done?outcome=${outcome}`);
  } catch (error) {
    log.error({ err: error, tenant }, 'user code change failed');

    return redirect(`${page}/done?outcome=error`);
  }
}

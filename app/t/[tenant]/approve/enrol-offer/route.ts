// POST /t/<tenant>/approve/enrol-offer – "approve faster next time": email the user an authenticator enrolment link
import { acceptEnrollmentOffer } from '@/lib/authenticator/enrollment-offer';
import { getDb } from '@/lib/db/client';
import { collectBody } from '@/lib/http/collect-body';
import { readFormPost, singleField as single } from '@/lib/http/read-form-post';
import { log } from '@/lib/log';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 4096;

type RouteContext = { params: Promise<{ tenant: string }> };

const redirectToDone = (tenantSlug: string, outcome: 'enrol_sent' | 'invalid' | 'error'): Response =>
  new Response(null, {
    status: 303,
    headers: { 'Cache-Control': 'no-store', Location: `/t/${tenantSlug}/approve/done?outcome=${outcome}` },
  });

export async function POST(request: Request, { params }: RouteContext): Promise<Response> {
  const { tenant } = await params;
  if (!TENANT_SLUG_PATTERN.test(tenant)) return new Response('Unknown tenant.\n', { status: 404 });
  try {
    const body = await collectBody(request.body, MAX_BODY_BYTES);
    if (body.length > MAX_BODY_BYTES) return redirectToDone(tenant, 'invalid');
    const form = await readFormPost(request, body);
    if (form === null) return redirectToDone(tenant, 'invalid');
    const { outcome, detail } = await acceptEnrollmentOffer(getDb(), {
      tenantSlug: tenant,
      ticket: single(form, 'ticket'),
      csrfToken: single(form, 'csrf_token'),
      headers: request.headers,
    });
    if (detail) log.warn({ tenant, detail }, 'authenticator enrolment offer refused');

    return redirectToDone(tenant, outcome);
  } catch (error) {
    log.error({ err: error, tenant }, 'authenticator enrolment offer failed');

    return redirectToDone(tenant, 'error');
  }
}

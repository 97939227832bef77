// POST /t/<tenant>/approve/<token>/decision – the approval form's target (CIBA §8: the user's consent)
import { enrollmentOfferTicket } from '@/lib/authenticator/enrollment-offer';
import { decideApproval, type ApprovalOutcome, type PasskeyFailure } from '@/lib/ciba/decide-approval';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { log } from '@/lib/log';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { collectBody } from '@/lib/http/collect-body';
import { readFormPost, singleField as single } from '@/lib/http/read-form-post';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

export const dynamic = 'force-dynamic';

/**
 * The form carries a few short fields and, when the approval needs the
 * passkey, one WebAuthn assertion (about 1–2 KiB form-encoded); anything
 * bigger is not ours.
 */
const MAX_BODY_BYTES = 16 * 1024;

type RouteContext = { params: Promise<{ tenant: string; token: string }> };

/** `done` also knows "error": something failed on our side, not in the user's request. */
type DoneOutcome = ApprovalOutcome | 'error';

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/**
 * 303 to the done page, by path: the browser stays on the origin it posted to
 * (the pages' CSP, form-action 'self', also checks where a form's redirect
 * goes, so an absolute APP_URL would block the answer on any other name the
 * server is reached by — another instance's address, an internal host name).
 */
const redirectToDone = (tenantSlug: string, outcome: DoneOutcome, offer?: string): Response =>
  new Response(null, {
    status: 303,
    headers: {
      ...NO_STORE,
      Location: `/t/${tenantSlug}/approve/done?outcome=${outcome}${offer ? `&offer=${encodeURIComponent(offer)}` : ''}`,
    },
  });

/**
 * 303 back to the approval page, which says why the passkey step failed
 * (`?passkey=<failure>`): nothing was decided, the link still works.
 */
const redirectToPasskeyStep = (tenantSlug: string, token: string, failure: PasskeyFailure): Response =>
  new Response(null, {
    status: 303,
    headers: {
      ...NO_STORE,
      Location: `/t/${tenantSlug}/approve/${encodeURIComponent(token)}?passkey=${failure}`,
    },
  });

const badRequest = (message: string, status = 400): Response =>
  new Response(`${message}\n`, { status, headers: { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8' } });

export async function POST(request: Request, { params }: RouteContext): Promise<Response> {
  const { tenant, token } = await params;
  if (!TENANT_SLUG_PATTERN.test(tenant)) return badRequest('Unknown tenant.', 404);

  try {
    const body = await collectBody(request.body, MAX_BODY_BYTES);
    if (body.length > MAX_BODY_BYTES) return redirectToDone(tenant, 'invalid');
    const form = await readFormPost(request, body);
    if (form === null) return redirectToDone(tenant, 'invalid');

    const result = await decideApproval(getProtocolData().store, {
      tenantSlug: tenant,
      token,
      decision: single(form, 'decision'),
      csrfToken: single(form, 'csrf_token'),
      items: form.getAll('item'),
      passkeyAssertion: single(form, 'passkey_assertion'),
      headers: request.headers,
    });
    if (result.outcome === 'passkey_failed') {
      log.warn({ tenant, passkey: result.passkeyFailure }, 'approval refused: passkey step failed');

      return redirectToPasskeyStep(tenant, token, result.passkeyFailure);
    }
    const { outcome } = result;
    if (result.detail) log.warn({ tenant, detail: result.detail }, 'approval decision refused');
    // After a decision, the done page may offer the authenticator app (lib/authenticator/enrollment-offer.ts).
    const decided = outcome === 'approved' || outcome === 'denied';

    return redirectToDone(tenant, outcome, decided ? enrollmentOfferTicket(sha256Base64Url(token)) : undefined);
  } catch (error) {
    log.error({ err: error, tenant }, 'approval decision failed');

    return redirectToDone(tenant, 'error');
  }
}

// GET /t/<tenant>/approve/<token> – the authentication device page of the email channel (CIBA §8)
// Pure read: an email scanner following the link changes nothing. The decision is a POST to ./decision.
import type { Metadata } from 'next';
import { findApprovalByToken, recordLinkOpened, type ApprovalLookup } from '@/lib/ciba/approval-page-data';
import { APPROVAL_CSRF_PURPOSE } from '@/lib/ciba/decide-approval';
import { csrfTokenFor } from '@/lib/security/csrf';
import { getProtocolData } from '@/lib/store/get-protocol-store';

export const dynamic = 'force-dynamic';

// The URL holds a secret: never send it on as a Referer, never index it.
export const metadata: Metadata = {
  title: 'Approve sign-in',
  // The URL holds the link secret: never send it to another origin. Same-origin
  // requests keep a real Origin header, which the decision POST checks.
  referrer: 'same-origin',
  robots: { index: false, follow: false, nocache: true },
};

type PageProps = { params: Promise<{ tenant: string; token: string }> };

type InvalidState = Exclude<ApprovalLookup['state'], 'valid'>;

const INVALID_COPY: Record<InvalidState, { title: string; body: string }> = {
  unknown: {
    title: 'This link is no longer valid',
    body: 'We could not find a sign-in request for this link. Check that you opened the whole link from the email, or start again on the other device.',
  },
  used: {
    title: 'This link has already been used',
    body: 'The request was already answered with this link. Each link works only once. If you did not answer it yourself, contact your administrator.',
  },
  expired: {
    title: 'This request has expired',
    body: 'The time to answer this sign-in request has run out, so nothing was approved. Start again on the other device if you still want to sign in.',
  },
  decided: {
    title: 'This request was already answered',
    body: 'The sign-in request has already been approved or denied, so there is nothing left to do here.',
  },
};

/** "less than a minute", "7 minutes", "2 hours 5 minutes", "3 days": server-computed, no clock on the client. */
const describeTimeLeft = (secondsLeft: number): string => {
  const minutes = Math.floor(secondsLeft / 60);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;

    return rest === 0 ? `${hours} hours` : `${hours} hours ${rest} minute${rest === 1 ? '' : 's'}`;
  }

  return `${Math.floor(hours / 24)} days`;
};

/** `25 Nov 2026, 14:03 UTC`: the server does not know the reader's time zone, so it names UTC. */
const formatExpiry = (date: Date): string =>
  `${new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'UTC',
  }).format(date)} UTC`;

function InvalidLink({ state }: { state: InvalidState }) {
  const copy = INVALID_COPY[state];

  return (
    <section
      aria-labelledby="invalid-title"
      className="w-full max-w-lg rounded-2xl border border-slate-200 bg-white p-8 shadow-sm"
    >
      <h1 id="invalid-title" className="text-2xl font-bold tracking-tight">
        {copy.title}
      </h1>
      <p className="mt-3 text-slate-600">{copy.body}</p>
      <p className="mt-6 text-sm text-slate-500">You can close this page.</p>
    </section>
  );
}

export default async function ApprovePage({ params }: PageProps) {
  const { tenant: tenantSlug, token } = await params;
  const { store } = getProtocolData();
  const now = new Date();
  const approval = await findApprovalByToken(store, tenantSlug, token, now);
  if (approval.state !== 'valid') return <InvalidLink state={approval.state} />;
  await recordLinkOpened(store, approval, now);

  const { client, tenant, user, request, link, scopes, secondsLeft } = approval;
  const csrfToken = csrfTokenFor(APPROVAL_CSRF_PURPOSE, link.tokenHash);
  const action = `/t/${encodeURIComponent(tenant.slug)}/approve/${encodeURIComponent(token)}/decision`;

  return (
    <section
      aria-labelledby="approve-title"
      className="w-full max-w-lg overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm"
    >
      <div className="border-b border-slate-200 bg-slate-50 px-8 py-4 text-sm text-slate-600">{tenant.name}</div>

      <div className="px-8 py-7">
        <h1 id="approve-title" className="text-2xl font-bold tracking-tight">
          <span className="break-words">{client.name}</span> wants you to sign in
        </h1>
        <p className="mt-2 text-slate-600">
          A sign-in was started on another device for <strong className="text-slate-900">{user.email}</strong>.
        </p>

        <div className="mt-6">
          {request.bindingMessage ? (
            <>
              <p className="text-sm font-medium text-slate-700">Check that this code matches the other device</p>
              <p
                className="mt-2 rounded-xl border-2 border-slate-300 bg-slate-100 px-5 py-4 text-center font-mono text-3xl font-bold tracking-wider break-all text-slate-900"
                aria-label={`Binding code: ${request.bindingMessage}`}
              >
                {request.bindingMessage}
              </p>
            </>
          ) : (
            <p className="rounded-xl border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">
              The application did not show a code for this request. Only approve if you are sure you started it.
            </p>
          )}
        </div>

        <div className="mt-6">
          <h2 className="text-sm font-medium text-slate-700">{client.name} will receive</h2>
          <ul className="mt-2 space-y-1.5">
            {scopes.map(({ scope, description }) => (
              <li key={scope} className="flex items-center gap-2 text-slate-800">
                <span aria-hidden="true" className="h-1.5 w-1.5 shrink-0 rounded-full bg-slate-400" />
                {description}
              </li>
            ))}
          </ul>
        </div>

        <p className="mt-6 text-sm text-slate-600">
          This request expires in <strong className="text-slate-900">{describeTimeLeft(secondsLeft)}</strong> (at{' '}
          <time dateTime={request.expiresAt.toISOString()}>{formatExpiry(request.expiresAt)}</time>).
        </p>

        <div role="note" className="mt-6 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
          <p className="font-semibold">Only approve if you started this on the other device and the code matches.</p>
          <p className="mt-1">
            If you did not start it, or the code is different, choose Deny: someone may be trying to get into your account.
          </p>
        </div>

        <form method="post" action={action} autoComplete="off" className="mt-7 grid grid-cols-2 gap-3">
          <input type="hidden" name="csrf_token" value={csrfToken} />
          <button
            type="submit"
            name="decision"
            value="deny"
            className="rounded-xl border-2 border-red-700 bg-white px-4 py-3 text-base font-semibold text-red-700 hover:bg-red-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-700 focus-visible:ring-offset-2"
          >
            Deny
          </button>
          <button
            type="submit"
            name="decision"
            value="approve"
            className="rounded-xl border-2 border-emerald-700 bg-emerald-700 px-4 py-3 text-base font-semibold text-white hover:bg-emerald-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-700 focus-visible:ring-offset-2"
          >
            Approve
          </button>
        </form>
      </div>
    </section>
  );
}

// GET /t/<tenant>/approve/done?outcome=… – where the approval form's POST redirects (303)
import { CircleCheck, CircleX, type LucideIcon, Smartphone, TriangleAlert } from 'lucide-react';
import type { Metadata } from 'next';
import { Button } from '@/components/ui/button';
import { PublicShell } from '@/components/ui/public-shell';
import { ENROLLMENT_OFFER_CSRF_PURPOSE, findEnrollmentOffer } from '@/lib/authenticator/enrollment-offer';
import { getDb } from '@/lib/db/client';
import { csrfTokenFor } from '@/lib/security/csrf';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign-in request', robots: { index: false, follow: false } };

type PageProps = {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ outcome?: string | string[]; offer?: string | string[] }>;
};

type Tone = 'success' | 'neutral' | 'problem';

const OUTCOMES = {
  approved: {
    tone: 'success',
    title: 'Request approved',
    body: 'You can return to the other device: the sign-in continues there.',
  },
  denied: {
    tone: 'neutral',
    title: 'Request denied',
    body: 'Nothing was shared with the application. If you did not start this sign-in, consider telling your administrator.',
  },
  expired: {
    tone: 'problem',
    title: 'The request could not be completed',
    body: 'The request expired before your answer arrived, so nothing was approved. Start again on the other device.',
  },
  used: {
    tone: 'problem',
    title: 'The request could not be completed',
    body: 'This request was already answered (each link works only once). Your new answer was not recorded.',
  },
  invalid: {
    tone: 'problem',
    title: 'The request could not be completed',
    body: 'The link or the form was not valid, so nothing was changed. Open the link from the email again and use its buttons.',
  },
  nothing_selected: {
    tone: 'problem',
    title: 'Nothing was approved',
    body: 'You did not select anything to approve, so nothing was changed. Go back to the request to select at least one item, or deny it.',
  },
  enrol_sent: {
    tone: 'success',
    title: 'Check your email',
    body: 'We sent you a link to set up the authenticator app on your phone. It works once, for 24 hours. Next time, approve with a tap and your screen lock.',
  },
  error: {
    tone: 'problem',
    title: 'The request could not be completed',
    body: 'Something went wrong on our side and your answer was not recorded. Please open the link from the email again.',
  },
} as const satisfies Record<string, { tone: Tone; title: string; body: string }>;

const TONE_BADGE: Record<Tone, { className: string; Icon: LucideIcon }> = {
  success: {
    className:
      'bg-emerald-50 text-emerald-600 ring-emerald-600/20 dark:bg-emerald-400/10 dark:text-emerald-400 dark:ring-emerald-400/25',
    Icon: CircleCheck,
  },
  neutral: {
    className: 'bg-slate-100 text-slate-600 ring-slate-500/20 dark:bg-white/5 dark:text-slate-300 dark:ring-white/10',
    Icon: CircleX,
  },
  problem: {
    className: 'bg-amber-50 text-amber-600 ring-amber-600/25 dark:bg-amber-400/10 dark:text-amber-400 dark:ring-amber-400/25',
    Icon: TriangleAlert,
  },
};

const isKnownOutcome = (value: unknown): value is keyof typeof OUTCOMES =>
  typeof value === 'string' && Object.hasOwn(OUTCOMES, value);

/** "Approve faster next time": for a user without an authenticator, after a decision (a POST that emails an enrolment link). */
async function EnrollmentOffer({ tenantSlug, ticket }: { tenantSlug: string; ticket: string }) {
  const offer = await findEnrollmentOffer(getDb(), { tenantSlug, ticket, now: new Date() });
  if (!offer) return null;

  return (
    <form
      method="post"
      action={`/t/${encodeURIComponent(tenantSlug)}/approve/enrol-offer`}
      className="mt-6 rounded-xl bg-indigo-50 px-4 py-4 text-left text-sm ring-1 ring-indigo-200 ring-inset dark:bg-indigo-400/10 dark:ring-indigo-400/30"
    >
      <input type="hidden" name="ticket" value={ticket} />
      <input type="hidden" name="csrf_token" value={csrfTokenFor(ENROLLMENT_OFFER_CSRF_PURPOSE, ticket)} />
      <p className="font-semibold text-slate-900 dark:text-white">Approve faster next time</p>
      <p className="mt-1 text-slate-700 dark:text-slate-300">
        Get requests as a notification on your phone and approve with your screen lock. We will email you a setup link.
      </p>
      <Button type="submit" variant="primary" className="mt-3" icon={<Smartphone />}>
        Email me a setup link
      </Button>
    </form>
  );
}

export default async function ApprovalDonePage({ params, searchParams }: PageProps) {
  const [{ tenant }, { outcome, offer }] = await Promise.all([params, searchParams]);
  const copy = OUTCOMES[isKnownOutcome(outcome) ? outcome : 'invalid'];
  const badge = TONE_BADGE[copy.tone];

  return (
    <PublicShell hideHeader>
      <section
        aria-labelledby="done-title"
        className="rounded-2xl bg-white p-8 text-center shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10"
      >
        <span className={`mx-auto flex size-14 items-center justify-center rounded-full ring-1 ring-inset ${badge.className}`}>
          <badge.Icon className="size-7" />
        </span>
        <h1 id="done-title" className="mt-5 text-2xl font-semibold tracking-tight text-balance text-slate-900 dark:text-white">
          {copy.title}
        </h1>
        <p className="mt-3 text-pretty text-slate-600 dark:text-slate-400">{copy.body}</p>
        {typeof offer === 'string' && (outcome === 'approved' || outcome === 'denied') ? (
          <EnrollmentOffer tenantSlug={tenant} ticket={offer} />
        ) : null}
        <p className="mt-6 border-t border-slate-200 pt-5 text-sm text-slate-600 dark:border-white/10 dark:text-slate-400">
          You can close this page.
        </p>
      </section>
    </PublicShell>
  );
}

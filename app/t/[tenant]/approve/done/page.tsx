// GET /t/<tenant>/approve/done?outcome=… – where the approval form's POST redirects (303)
import { CircleCheck, CircleX, type LucideIcon, TriangleAlert } from 'lucide-react';
import type { Metadata } from 'next';
import { PublicShell } from '@/components/ui/public-shell';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign-in request', robots: { index: false, follow: false } };

type PageProps = { searchParams: Promise<{ outcome?: string | string[] }> };

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

export default async function ApprovalDonePage({ searchParams }: PageProps) {
  const { outcome } = await searchParams;
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
        <p className="mt-6 border-t border-slate-200 pt-5 text-sm text-slate-600 dark:border-white/10 dark:text-slate-400">
          You can close this page.
        </p>
      </section>
    </PublicShell>
  );
}

// GET /t/<tenant>/approve/done?outcome=… – where the approval form's POST redirects (303)
import type { Metadata } from 'next';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign-in request', robots: { index: false, follow: false } };

type PageProps = { searchParams: Promise<{ outcome?: string | string[] }> };

type Tone = 'success' | 'neutral' | 'problem';

const OUTCOMES = {
  approved: {
    tone: 'success',
    title: 'Request approved',
    body: 'Request approved. You can return to the other device.',
  },
  denied: {
    tone: 'neutral',
    title: 'Request denied',
    body: 'Request denied. Nothing was shared with the application. If you did not start this sign-in, consider telling your administrator.',
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
  error: {
    tone: 'problem',
    title: 'The request could not be completed',
    body: 'Something went wrong on our side and your answer was not recorded. Please open the link from the email again.',
  },
} as const satisfies Record<string, { tone: Tone; title: string; body: string }>;

const TONE_BADGE: Record<Tone, { className: string; symbol: string }> = {
  success: { className: 'bg-emerald-100 text-emerald-800', symbol: '✓' },
  neutral: { className: 'bg-slate-200 text-slate-800', symbol: '✕' },
  problem: { className: 'bg-amber-100 text-amber-900', symbol: '!' },
};

const isKnownOutcome = (value: unknown): value is keyof typeof OUTCOMES =>
  typeof value === 'string' && Object.hasOwn(OUTCOMES, value);

export default async function ApprovalDonePage({ searchParams }: PageProps) {
  const { outcome } = await searchParams;
  const copy = OUTCOMES[isKnownOutcome(outcome) ? outcome : 'invalid'];
  const badge = TONE_BADGE[copy.tone];

  return (
    <section
      aria-labelledby="done-title"
      className="w-full max-w-lg rounded-2xl border border-slate-200 bg-white p-8 text-center shadow-sm"
    >
      <span
        aria-hidden="true"
        className={`mx-auto flex h-12 w-12 items-center justify-center rounded-full text-xl font-bold ${badge.className}`}
      >
        {badge.symbol}
      </span>
      <h1 id="done-title" className="mt-4 text-2xl font-bold tracking-tight">
        {copy.title}
      </h1>
      <p className="mt-3 text-slate-600">{copy.body}</p>
      <p className="mt-6 text-sm text-slate-500">You can close this page.</p>
    </section>
  );
}

// Try it's vertical progress: Started → Email sent → Link opened → decision → Tokens issued, each
// step done, current, waiting, failed or skipped, with the time the stream reported it.
import { Ban, Check, Clock, LoaderCircle, Minus, X } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '@/components/ui/styles';
import { decisionWord, type TryItRun } from './try-it-state';

type StepState = 'done' | 'current' | 'waiting' | 'failed' | 'skipped';

type Step = { key: string; title: string; state: StepState; detail: ReactNode; at?: string };

const formatTime = (iso: string) => `${new Date(iso).toISOString().slice(11, 19)} UTC`;

const DECIDERS: Record<string, string> = {
  user: 'by the user',
  admin: 'by an admin',
  api_key: 'through the Management API',
  cli: 'from the CLI',
  system: 'by the server',
  test_hook: 'by the test hook',
};

/** The steps of a run, in order. */
const stepsOf = (run: TryItRun): Step[] => {
  const decided = run.decision !== null;
  const finished = run.outcome !== null;
  const emailState: StepState =
    run.email.status === 'sent' ? 'done' : run.email.status === 'failed' ? 'failed' : decided ? 'skipped' : 'current';
  const openedState: StepState = run.opened ? 'done' : decided ? 'skipped' : run.email.status === 'sent' ? 'current' : 'waiting';
  const decisionState: StepState = !decided
    ? run.opened
      ? 'current'
      : 'waiting'
    : run.decision === 'approved'
      ? 'done'
      : 'failed';
  const tokensState: StepState = run.outcome?.ok ? 'done' : finished ? 'failed' : decided ? 'current' : 'waiting';
  const by = run.decidedBy ? DECIDERS[run.decidedBy] : undefined;

  return [
    {
      key: 'started',
      title: 'Started',
      state: 'done',
      at: run.startedAt,
      detail: `bc-authorize accepted the request: expires in ${run.started.expires_in} s, poll interval ${run.started.interval} s.`,
    },
    {
      key: 'email',
      title: run.email.status === 'failed' ? 'Email failed' : 'Email sent',
      state: emailState,
      at: run.times.email,
      detail:
        run.email.status === 'sent'
          ? `The approval email to ${run.loginHint} was handed to the provider.`
          : run.email.status === 'failed'
            ? (run.email.error ?? 'The provider refused the approval email.')
            : run.email.error
              ? `Retrying: ${run.email.error}`
              : 'Sending the approval email…',
    },
    {
      key: 'opened',
      title: 'Link opened',
      state: openedState,
      at: run.times.opened,
      detail: run.opened ? 'The user opened the approval page.' : 'Waiting for the user to open the link.',
    },
    {
      key: 'decision',
      title: run.decision ? decisionWord(run.decision) : 'Approved or denied',
      state: decisionState,
      at: run.times.decided,
      detail: run.decision
        ? `${decisionWord(run.decision)}${by && run.decision !== 'expired' ? ` ${by}` : ''}${run.decision === 'expired' ? ' before the user decided' : ''}.`
        : 'Waiting for the user to approve or deny.',
    },
    {
      key: 'tokens',
      title: run.outcome && !run.outcome.ok ? 'No tokens' : 'Tokens issued',
      state: tokensState,
      at: run.times.tokens,
      detail: run.outcome
        ? run.outcome.ok
          ? 'The token endpoint issued an ID token and an access token.'
          : `The token endpoint answered ${run.outcome.error}.`
        : decided
          ? 'Asking the token endpoint…'
          : 'The token endpoint is asked once the user has decided.',
    },
  ];
};

const MARKERS: Record<StepState, { icon: ReactNode; className: string; label: string }> = {
  done: { icon: <Check />, className: 'bg-emerald-600 text-white dark:bg-emerald-500 dark:text-slate-950', label: 'done' },
  current: {
    icon: <LoaderCircle className="animate-spin motion-reduce:animate-none" />,
    className:
      'bg-indigo-50 text-indigo-700 ring-2 ring-indigo-600 dark:bg-indigo-400/10 dark:text-indigo-300 dark:ring-indigo-400',
    label: 'in progress',
  },
  waiting: {
    icon: <Clock />,
    className: 'bg-white text-slate-400 ring-1 ring-slate-300 dark:bg-slate-900 dark:text-slate-500 dark:ring-white/15',
    label: 'not yet',
  },
  failed: { icon: <X />, className: 'bg-red-600 text-white dark:bg-red-500 dark:text-slate-950', label: 'failed' },
  skipped: {
    icon: <Minus />,
    className: 'bg-slate-100 text-slate-500 ring-1 ring-slate-200 dark:bg-white/5 dark:text-slate-400 dark:ring-white/10',
    label: 'skipped',
  },
};

export function TryItProgress({ run }: { run: TryItRun }) {
  const steps = stepsOf(run);

  return (
    <ol aria-label="Progress of the request" className="relative">
      {steps.map((step, index) => {
        const marker =
          step.key === 'decision' && run.decision === 'cancelled' ? { ...MARKERS.failed, icon: <Ban /> } : MARKERS[step.state];
        const last = index === steps.length - 1;

        return (
          <li key={step.key} data-step={step.key} data-state={step.state} className="relative flex gap-3 pb-5 last:pb-0">
            {last ? null : (
              <span
                aria-hidden="true"
                className={cn(
                  'absolute top-8 bottom-0 left-[0.9375rem] w-px',
                  step.state === 'done' ? 'bg-emerald-600/60 dark:bg-emerald-400/50' : 'bg-slate-200 dark:bg-white/10',
                )}
              />
            )}
            <span
              aria-hidden="true"
              className={cn(
                'relative flex size-8 shrink-0 items-center justify-center rounded-full [&_svg]:size-4',
                marker.className,
              )}
            >
              {marker.icon}
            </span>
            <div className="min-w-0 pt-1">
              <p className="flex flex-wrap items-baseline gap-x-2 text-sm">
                <span
                  className={cn(
                    'font-semibold',
                    step.state === 'waiting' || step.state === 'skipped'
                      ? 'text-slate-500 dark:text-slate-400'
                      : 'text-slate-900 dark:text-white',
                  )}
                >
                  {step.title}
                </span>
                <span className="sr-only">({marker.label})</span>
                {step.at ? (
                  <time dateTime={step.at} className="text-xs text-slate-500 tabular-nums dark:text-slate-400">
                    {formatTime(step.at)}
                  </time>
                ) : null}
              </p>
              <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{step.detail}</p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

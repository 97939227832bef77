// Try it's view of one request, built from the live request stream (LiveMessage) and the token
// endpoint's answer: which steps happened and when. Pure, so the card stays a thin shell around it.
import type { TryItTokens } from '@/lib/admin/poll-try-it';
import type { TryItStarted } from '@/lib/admin/start-try-it';
import type { TryItOAuthError } from '@/lib/admin/try-it-oauth-error';
import type { LiveMessage } from '@/lib/admin/live-request-hub';
import type { LiveRequestView } from '@/lib/admin/live-request-view';

export type TryItDecision = 'approved' | 'denied' | 'cancelled' | 'expired';

export type TryItEmail = { status: 'queued' | 'sent' | 'failed'; error: string | null };

export type TryItRun = {
  started: TryItStarted;
  loginHint: string;
  bindingMessage: string | null;
  startedAt: string;
  expiresAt: number;
  email: TryItEmail;
  /** When each step happened (ISO), as far as the stream told. */
  times: { email?: string; opened?: string; decided?: string; tokens?: string };
  opened: boolean;
  decision: TryItDecision | null;
  /** Who decided, from the decision event (`by.kind`). */
  decidedBy: string | null;
  outcome: TryItTokens | TryItOAuthError | null;
  /** When the outcome arrived (ms), for the tokens' expiry. */
  outcomeAt: number | null;
};

export const newRun = (started: TryItStarted, options: { loginHint: string; bindingMessage: string | null; now: number }) =>
  ({
    started,
    loginHint: options.loginHint,
    bindingMessage: options.bindingMessage,
    startedAt: new Date(options.now).toISOString(),
    expiresAt: options.now + started.expires_in * 1000,
    email: { status: 'queued', error: null },
    times: {},
    opened: false,
    decision: null,
    decidedBy: null,
    outcome: null,
    outcomeAt: null,
  }) satisfies TryItRun;

const DECISION_EVENTS: Record<string, TryItDecision> = {
  ciba_approved: 'approved',
  ciba_denied: 'denied',
  ciba_cancelled: 'cancelled',
  ciba_expired: 'expired',
};

const decisionOfStatus = (status: string): TryItDecision | null => {
  if (status === 'redeemed') return 'approved';

  return status === 'approved' || status === 'denied' || status === 'cancelled' || status === 'expired' ? status : null;
};

/** What a request view says (delivery, status), for a message without an event of its own. */
const applyView = (run: TryItRun, view: LiveRequestView): TryItRun => {
  let next = run;
  if (view.delivery.status === 'sent' && next.email.status !== 'sent') next = { ...next, email: { status: 'sent', error: null } };
  if (view.delivery.status === 'failed' && next.email.status === 'queued') {
    next = { ...next, email: { status: 'failed', error: view.delivery.error } };
  }
  const decision = decisionOfStatus(view.status);
  if (decision && next.decision === null)
    next = { ...next, decision, times: { ...next.times, decided: view.decided_at ?? undefined } };

  return next;
};

/** The run after one message of the request stream (other requests' messages never reach it). */
export const applyLiveMessage = (run: TryItRun, message: LiveMessage): TryItRun => {
  if (message.type === 'reset') return run;
  if (message.type === 'polls') return run;
  const { event, request } = message;
  if (event.request_id !== run.started.request_id) return run;
  let next = run;
  const detail = event.detail ?? {};
  switch (event.type) {
    case 'ciba_notification_sent':
      next = { ...next, email: { status: 'sent', error: null }, times: { ...next.times, email: event.time } };
      break;
    case 'ciba_notification_failed':
      if (next.email.status !== 'sent') {
        const error = typeof detail.error === 'string' ? detail.error : null;
        next = {
          ...next,
          email: { status: detail.final ? 'failed' : 'queued', error },
          times: { ...next.times, email: event.time },
        };
      }
      break;
    case 'ciba_link_opened':
      next = { ...next, opened: true, times: { ...next.times, opened: next.times.opened ?? event.time } };
      break;
    case 'ciba_exchange_succeeded':
      next = { ...next, times: { ...next.times, tokens: event.time } };
      break;
    default: {
      const decision = DECISION_EVENTS[event.type];
      if (decision && next.decision === null) {
        const by = detail.by as { kind?: unknown } | undefined;
        next = {
          ...next,
          decision,
          decidedBy: typeof by?.kind === 'string' ? by.kind : null,
          times: { ...next.times, decided: event.time },
        };
      }
    }
  }

  return request ? applyView(next, request) : next;
};

/** The run once the token endpoint has given its final answer. */
export const applyOutcome = (run: TryItRun, outcome: TryItTokens | TryItOAuthError, now: number): TryItRun => {
  const decision =
    run.decision ??
    (outcome.ok
      ? 'approved'
      : outcome.error === 'expired_token'
        ? 'expired'
        : outcome.error === 'access_denied'
          ? 'denied'
          : null);
  const at = new Date(now).toISOString();

  return {
    ...run,
    decision,
    outcome,
    outcomeAt: now,
    times: { ...run.times, decided: run.times.decided ?? at, tokens: outcome.ok ? (run.times.tokens ?? at) : run.times.tokens },
  };
};

const DECISION_WORDS: Record<TryItDecision, string> = {
  approved: 'Approved',
  denied: 'Denied',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

export const decisionWord = (decision: TryItDecision): string => DECISION_WORDS[decision];

/** One sentence for the live region: the newest thing that happened. */
export const announcementOf = (run: TryItRun): string => {
  if (run.outcome?.ok) return 'Tokens issued. The decoded ID token and access token are shown below.';
  if (run.outcome)
    return `${run.decision ? decisionWord(run.decision) : 'Failed'}: the token endpoint answered ${run.outcome.error}.`;
  if (run.decision) return `${decisionWord(run.decision)}. Asking the token endpoint…`;
  if (run.opened) return 'The user opened the approval link.';
  if (run.email.status === 'sent') return 'Approval email sent. Waiting for the user.';
  if (run.email.status === 'failed') return 'The approval email could not be sent.';

  return 'Request started. Sending the approval email…';
};

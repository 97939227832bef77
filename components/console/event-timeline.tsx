// A request's events, oldest first, as a vertical timeline with each event's salient detail.
import { formatDateTime } from './format';
import { deciderLabel, eventLabel } from './event-labels';
import type { EventView } from '@/lib/admin/event-view';
import { cn } from '@/components/ui/styles';

const TONES: Record<string, string> = {
  ciba_approved: 'bg-emerald-500',
  ciba_exchange_succeeded: 'bg-indigo-500',
  ciba_denied: 'bg-red-500',
  ciba_notification_failed: 'bg-red-500',
  ciba_callback_failed: 'bg-red-500',
  ciba_exchange_failed: 'bg-red-500',
  ciba_cancelled: 'bg-slate-500',
  ciba_expired: 'bg-slate-500',
  ciba_slow_down: 'bg-amber-500',
  ciba_tokens_refreshed: 'bg-indigo-500',
  ciba_tokens_revoked: 'bg-red-500',
};

/** " Agent Support Copilot (copilot-7 of https://agents.example)." for an event recording the agent, else "". */
const agentLine = (agent: unknown): string => {
  if (typeof agent !== 'object' || agent === null) return '';
  const { iss, sub, name } = agent as { iss?: unknown; sub?: unknown; name?: unknown };

  return ` Agent ${typeof name === 'string' ? `${name} (${String(sub)} of ${String(iss)})` : `${String(sub)} of ${String(iss)}`}.`;
};

/** The few detail members worth a line, in words. */
const summaryOf = (event: EventView): string | null => {
  const detail = event.detail ?? {};
  const by = deciderLabel(detail.by);
  if (by) return `By ${by}.${agentLine(detail.agent)}`;
  switch (event.type) {
    case 'ciba_start_succeeded': {
      const startedBy = deciderLabel(detail.started_by);

      return `Scope ${String(detail.scope)}; expires in ${String(detail.expires_in)} s${typeof detail.binding_message === 'string' ? `; binding message “${detail.binding_message}”` : ''}.${startedBy ? ` Started from Try it by ${startedBy}.` : ''}${agentLine(detail.agent)}`;
    }
    case 'ciba_exchange_succeeded':
      return agentLine(detail.agent).trim() || null;
    case 'ciba_notification_sent':
      return `By ${String(detail.channel)}, attempt ${String(detail.attempt)}.`;
    case 'ciba_notification_failed':
      return `${String(detail.error)}${detail.final ? ' (final)' : ''}`;
    case 'ciba_callback_delivered':
      return `${String(detail.mode)} callback, attempt ${String(detail.attempt)}: ${String(detail.response)}.`;
    case 'ciba_callback_failed':
      return `${String(detail.mode)} callback, attempt ${String(detail.attempt)}: ${String(detail.error)}${
        detail.final ? ` (final${detail.tokens_revoked ? '; the pushed tokens were revoked' : ''})` : ''
      }`;
    case 'ciba_slow_down':
      return `Interval raised to ${String(detail.interval)} s.`;
    case 'ciba_exchange_failed':
      return detail.tokens_revoked ? 'The tokens issued for it were revoked.' : null;
    case 'ciba_tokens_revoked':
      return detail.reason === 'refresh_token_reuse'
        ? 'A rotated refresh token was presented again: every token of the grant was revoked.'
        : 'Revoked by the client at the revocation endpoint.';
    default:
      return null;
  }
};

export function EventTimeline({ events }: { events: readonly EventView[] }) {
  return (
    <ol className="relative space-y-5 border-l border-slate-200 pl-6 dark:border-white/10">
      {events.map((event) => {
        const summary = summaryOf(event);

        return (
          <li key={event.id} className="relative">
            <span
              aria-hidden="true"
              className={cn(
                'absolute top-1.5 -left-[1.8rem] size-2.5 rounded-full ring-4 ring-white dark:ring-slate-900',
                TONES[event.type] ?? 'bg-sky-500',
              )}
            />
            <p className="text-sm font-medium text-slate-900 dark:text-white">{eventLabel(event.type)}</p>
            <p className="text-xs text-slate-600 dark:text-slate-400">
              <time dateTime={event.time}>{formatDateTime(event.time)}</time>
            </p>
            {summary ? <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{summary}</p> : null}
          </li>
        );
      })}
    </ol>
  );
}

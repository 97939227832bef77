'use client';

// Try it: a built-in test relying party on the application page. The admin picks a user, types a
// binding message and starts a real CIBA request (bc-authorize in-process, the application vouched
// for by the console session); the card follows it on the live request stream, asks the token
// endpoint once the user has decided (again after `interval` while it answers
// authorization_pending or slow_down), and shows the decoded tokens or the OAuth error.
// The auth_req_id lives only in this component's state.
import { ExternalLink, FlaskConical, Play, RotateCcw, Search, UserRound } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useId, useReducer, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { buttonClassName } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { cn } from '@/components/ui/styles';
import { toastResult } from '@/components/ui/toast';
import type { ActionResult } from '@/components/ui/action-result';
import type { LiveMessage } from '@/lib/admin/live-request-hub';
import type { TryItTokens } from '@/lib/admin/poll-try-it';
import type { TStartTryIt, TryItStarted } from '@/lib/admin/start-try-it';
import type { TryItOAuthError } from '@/lib/admin/try-it-oauth-error';
import { TryItErrorView, TryItTokensView } from './try-it-outcome';
import { TryItProgress } from './try-it-progress';
import { announcementOf, applyLiveMessage, applyOutcome, newRun, type TryItRun } from './try-it-state';

export type TryItUser = { id: string; sub: string; email: string; name: string | null };

export type TryItCardProps = {
  tenantSlug: string;
  clientId: string;
  clientName: string;
  /** The application's default requested expiry and poll interval (seconds), for the hints. */
  defaultExpiry: number;
  /** A fresh binding message to start from. */
  suggestedBindingMessage: string;
  searchUsersAction: (tenantSlug: string, search: string) => Promise<ActionResult<TryItUser[]>>;
  startAction: (tenantSlug: string, input: TStartTryIt) => Promise<ActionResult<TryItStarted | TryItOAuthError>>;
  pollAction: (tenantSlug: string, clientId: string, authReqId: string) => Promise<ActionResult<TryItTokens | TryItOAuthError>>;
};

type Action =
  | { type: 'start'; run: TryItRun }
  | { type: 'message'; message: LiveMessage }
  | { type: 'outcome'; outcome: TryItTokens | TryItOAuthError; now: number }
  | { type: 'deadline' }
  | { type: 'clear' };

const reduce = (run: TryItRun | null, action: Action): TryItRun | null => {
  if (action.type === 'start') return action.run;
  if (action.type === 'clear' || run === null) return null;
  if (run.outcome) return run;
  switch (action.type) {
    case 'message':
      return applyLiveMessage(run, action.message);
    case 'outcome':
      return applyOutcome(run, action.outcome, action.now);
    case 'deadline':
      // Past its expiry with no word from the stream: the token endpoint has the final answer (expired_token).
      return run.decision === null ? { ...run, decision: 'expired' } : run;
  }
};

const SEARCH_DELAY_MS = 250;
/** The token endpoint is asked this long after the expiry when the stream has said nothing. */
const EXPIRY_GRACE_MS = 1_500;

const formatLeft = (ms: number) => {
  const seconds = Math.max(0, Math.ceil(ms / 1000));

  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function TryItCard(props: TryItCardProps) {
  const { tenantSlug, clientId, clientName, defaultExpiry, suggestedBindingMessage, searchUsersAction, startAction, pollAction } =
    props;
  const [run, dispatch] = useReducer(reduce, null);
  const [loginHint, setLoginHint] = useState('');
  const [bindingMessage, setBindingMessage] = useState(suggestedBindingMessage);
  const [scope, setScope] = useState('openid email');
  const [expiry, setExpiry] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<string, string[]>>>({});
  const [refusal, setRefusal] = useState<TryItOAuthError | null>(null);
  const [starting, setStarting] = useState(false);
  const [suggestions, setSuggestions] = useState<TryItUser[]>([]);
  const [suggestionsOpen, setSuggestionsOpen] = useState(false);
  const [connection, setConnection] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  const [now, setNow] = useState(() => Date.now());
  const runHeading = useRef<HTMLHeadingElement>(null);
  const userInput = useRef<HTMLInputElement>(null);
  const focusAfterRender = useRef<'run' | 'form' | null>(null);
  /** The auth_req_id whose poll loop is running: one loop per request, whatever React re-runs. */
  const pollingFor = useRef<string | null>(null);
  /** The auth_req_id on screen: answers for an older run are dropped. */
  const current = useRef<string | null>(null);
  const suggestionsId = useId();

  const requestId = run?.started.request_id ?? null;
  const resumeAfter = run?.started.resume_after ?? null;
  const authReqId = run?.started.auth_req_id ?? null;
  const finished = run?.outcome != null;
  const awaitingTokens = run !== null && run.decision !== null && run.outcome === null;

  useEffect(() => {
    current.current = authReqId;
  }, [authReqId]);

  // Focus follows what the admin did: the progress after Start, the first field after "Start another".
  useEffect(() => {
    if (focusAfterRender.current === 'run') runHeading.current?.focus();
    if (focusAfterRender.current === 'form') userInput.current?.focus();
    focusAfterRender.current = null;
  });

  // The user search: a few suggestions from the server (an indexed prefix read, however many users).
  useEffect(() => {
    const query = loginHint.trim();
    if (!suggestionsOpen || query === '') return;
    let stale = false;
    const timer = setTimeout(() => {
      void searchUsersAction(tenantSlug, query).then((result) => {
        if (!stale) setSuggestions(result.ok ? (result.data ?? []) : []);
      });
    }, SEARCH_DELAY_MS);

    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [loginHint, suggestionsOpen, tenantSlug, searchUsersAction]);

  // The live request stream, from the start event on: nothing that happened before it opened is missed.
  useEffect(() => {
    if (requestId === null || finished) return;
    const search = new URLSearchParams({ request_id: requestId, ...(resumeAfter ? { after: resumeAfter } : {}) });
    const source = new EventSource(`/admin/t/${encodeURIComponent(tenantSlug)}/requests/live?${search.toString()}`);
    source.onopen = () => setConnection('live');
    source.onerror = () => setConnection('reconnecting');
    source.onmessage = (message: MessageEvent<string>) =>
      dispatch({ type: 'message', message: JSON.parse(message.data) as LiveMessage });

    return () => source.close();
  }, [tenantSlug, requestId, resumeAfter, finished]);

  // The countdown, and the expiry fallback should the stream stay silent.
  useEffect(() => {
    if (run === null || run.decision !== null) return;
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    const deadline = setTimeout(() => dispatch({ type: 'deadline' }), Math.max(0, run.expiresAt - Date.now()) + EXPIRY_GRACE_MS);

    return () => {
      clearInterval(tick);
      clearTimeout(deadline);
    };
  }, [run]);

  // Once decided: the token endpoint, once; again after `interval` only while it says to wait.
  useEffect(() => {
    if (!awaitingTokens || authReqId === null || pollingFor.current === authReqId || run === null) return;
    pollingFor.current = authReqId;
    let interval = run.started.interval;
    void (async () => {
      for (;;) {
        const result = await pollAction(tenantSlug, clientId, authReqId);
        if (current.current !== authReqId) return;
        if (!result.ok || !result.data) {
          toastResult(result);
          dispatch({ type: 'clear' });

          return;
        }
        const answer = result.data;
        if (answer.ok || (answer.error !== 'authorization_pending' && answer.error !== 'slow_down')) {
          dispatch({ type: 'outcome', outcome: answer, now: Date.now() });

          return;
        }
        interval = answer.interval ?? interval;
        await sleep(interval * 1000);
      }
    })();
  }, [awaitingTokens, authReqId, run, pollAction, tenantSlug, clientId]);

  const onStart = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setStarting(true);
    setRefusal(null);
    setFieldErrors({});
    setSuggestionsOpen(false);
    const trimmedExpiry = expiry.trim();
    const input: TStartTryIt = {
      client_id: clientId,
      login_hint: loginHint.trim(),
      binding_message: bindingMessage,
      scope,
      ...(trimmedExpiry === '' ? {} : { requested_expiry: Number(trimmedExpiry) }),
    };
    try {
      const result = await startAction(tenantSlug, input);
      if (!result.ok || !result.data) {
        toastResult(result);
        if (!result.ok) setFieldErrors(result.fieldErrors ?? {});

        return;
      }
      const answer = result.data;
      if (!answer.ok) {
        setRefusal(answer);

        return;
      }
      focusAfterRender.current = 'run';
      setConnection('connecting');
      setNow(Date.now());
      dispatch({
        type: 'start',
        run: newRun(answer, { loginHint: input.login_hint, bindingMessage: bindingMessage || null, now: Date.now() }),
      });
    } finally {
      setStarting(false);
    }
  };

  const startAnother = () => {
    current.current = null;
    focusAfterRender.current = 'form';
    setBindingMessage(nextBindingMessage(bindingMessage));
    dispatch({ type: 'clear' });
  };

  const requestHref = requestId ? `/admin/t/${encodeURIComponent(tenantSlug)}/requests/${encodeURIComponent(requestId)}` : '';

  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          <FlaskConical aria-hidden="true" className="size-4 text-indigo-600 dark:text-indigo-400" />
          Try it
        </span>
      }
      description={`Start a real CIBA request as ${clientName} and follow it to the tokens: the user gets a real approval email.`}
    >
      {/* Announces each change of the run's state. */}
      <p role="status" aria-live="polite" className="sr-only">
        {run ? announcementOf(run) : ''}
      </p>
      {run === null ? (
        <form onSubmit={(event) => void onStart(event)} noValidate className="space-y-5">
          <div className="grid gap-5 md:grid-cols-2">
            <div
              className="relative"
              onBlur={(event) => {
                if (!event.currentTarget.contains(event.relatedTarget)) setSuggestionsOpen(false);
              }}
              onKeyDown={(event) => {
                if (event.key === 'Escape') setSuggestionsOpen(false);
              }}
            >
              <Field
                label="User"
                description="Search by email, or type an exact sub. Sent as login_hint."
                error={fieldErrors.login_hint}
                required
              >
                <div className="relative">
                  <Search
                    aria-hidden="true"
                    className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-500"
                  />
                  <Input
                    ref={userInput}
                    type="search"
                    name="login_hint"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="alice@example.com"
                    value={loginHint}
                    aria-controls={suggestionsOpen && suggestions.length > 0 ? suggestionsId : undefined}
                    onChange={(event) => {
                      setLoginHint(event.target.value);
                      setSuggestionsOpen(true);
                      if (event.target.value.trim() === '') setSuggestions([]);
                    }}
                    onFocus={() => setSuggestionsOpen(true)}
                    className="pl-9"
                  />
                </div>
              </Field>
              {suggestionsOpen && suggestions.length > 0 && loginHint.trim() !== '' ? (
                <ul
                  id={suggestionsId}
                  aria-label="Matching users"
                  className="absolute inset-x-0 z-20 mt-1 max-h-72 overflow-auto rounded-lg bg-white p-1 shadow-lg ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-white/10"
                >
                  {suggestions.map((user) => (
                    <li key={user.id}>
                      <button
                        type="button"
                        onClick={() => {
                          setLoginHint(user.email);
                          setSuggestionsOpen(false);
                          userInput.current?.focus();
                        }}
                        className={cn(
                          'flex w-full items-center gap-3 rounded-md px-2.5 py-2 text-left text-sm',
                          'hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-none dark:hover:bg-white/10 dark:focus-visible:bg-white/10',
                        )}
                      >
                        <UserRound aria-hidden="true" className="size-4 shrink-0 text-slate-500 dark:text-slate-400" />
                        <span className="min-w-0">
                          <span className="block truncate font-medium text-slate-900 dark:text-white">{user.email}</span>
                          {user.name ? (
                            <span className="block truncate text-xs text-slate-600 dark:text-slate-400">{user.name}</span>
                          ) : null}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
            <Field
              label="Binding message"
              description="Shown in the email and on the approval page, to compare with what you see here."
              error={fieldErrors.binding_message}
            >
              <Input name="binding_message" value={bindingMessage} onChange={(event) => setBindingMessage(event.target.value)} />
            </Field>
            <Field label="Scope" description="Space-separated; must include openid." error={fieldErrors.scope}>
              <Input name="scope" value={scope} onChange={(event) => setScope(event.target.value)} className="font-mono" />
            </Field>
            <Field
              label="Requested expiry (seconds)"
              description={`Optional; the application's default is ${defaultExpiry} s.`}
              error={fieldErrors.requested_expiry}
            >
              <Input
                name="requested_expiry"
                type="number"
                inputMode="numeric"
                min={1}
                placeholder={String(defaultExpiry)}
                value={expiry}
                onChange={(event) => setExpiry(event.target.value)}
              />
            </Field>
          </div>
          {refusal ? (
            <div role="alert">
              <p className="mb-2 text-sm font-medium text-slate-900 dark:text-white">bc-authorize refused the request</p>
              <TryItErrorView answer={refusal} endpoint="bc-authorize" />
            </div>
          ) : null}
          <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 pt-4 dark:border-white/10">
            <p className="max-w-2xl text-xs text-slate-600 dark:text-slate-400">
              Runs the bc-authorize and token endpoint code in-process as this application, authenticated by your console session
              instead of its secret; the request&rsquo;s events record that you started it from the console.
            </p>
            <Button type="submit" icon={<Play />} pending={starting}>
              Start request
            </Button>
          </div>
        </form>
      ) : (
        <div className="space-y-6">
          <div className="flex flex-wrap items-start justify-between gap-4">
            <div className="min-w-0">
              <h3
                ref={runHeading}
                tabIndex={-1}
                className="text-sm font-semibold text-slate-900 focus:outline-none dark:text-white"
              >
                Request for {run.loginHint}
              </h3>
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
                {run.outcome
                  ? run.outcome.ok
                    ? 'Finished: the application received its tokens.'
                    : `Finished without tokens: the token endpoint answered ${run.outcome.error}.`
                  : run.decision
                    ? 'Decided: asking the token endpoint.'
                    : `Waiting for the user · expires in ${formatLeft(run.expiresAt - now)}`}
                {run.outcome ? null : (
                  <span className="ml-2 inline-flex items-center gap-1.5 text-xs">
                    <span
                      aria-hidden="true"
                      className={cn('size-1.5 rounded-full', connection === 'live' ? 'bg-emerald-500' : 'bg-amber-500')}
                    />
                    {connection === 'live' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
                  </span>
                )}
              </p>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <Link href={requestHref} className={buttonClassName({ variant: 'ghost', size: 'sm' })}>
                <ExternalLink aria-hidden="true" /> Request timeline
              </Link>
              <Button variant="secondary" size="sm" icon={<RotateCcw />} onClick={startAnother}>
                Start another
              </Button>
            </div>
          </div>
          <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,18rem)]">
            <TryItProgress run={run} />
            <aside
              aria-label="Binding message"
              className="self-start rounded-lg bg-indigo-50 px-4 py-4 text-center ring-1 ring-indigo-600/15 ring-inset dark:bg-indigo-400/10 dark:ring-indigo-400/25"
            >
              <p className="text-xs font-medium tracking-wide text-indigo-800 uppercase dark:text-indigo-300">
                Code on the other device
              </p>
              <p className="mt-2 font-mono text-2xl font-semibold tracking-wider break-all text-slate-900 dark:text-white">
                {run.bindingMessage ?? '—'}
              </p>
              <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
                The approval page shows this binding message: it must match.
              </p>
            </aside>
          </div>
          {run.outcome ? (
            <section aria-labelledby={`${suggestionsId}-result`} className="border-t border-slate-200 pt-5 dark:border-white/10">
              <h3 id={`${suggestionsId}-result`} className="mb-3 text-sm font-semibold text-slate-900 dark:text-white">
                {run.outcome.ok ? 'Token response' : 'Token endpoint answer'}
              </h3>
              {run.outcome.ok ? (
                <TryItTokensView answer={run.outcome} receivedAt={run.outcomeAt ?? now} userLabel={run.loginHint} />
              ) : (
                <TryItErrorView answer={run.outcome} endpoint="token" cancelled={run.decision === 'cancelled'} />
              )}
            </section>
          ) : null}
        </div>
      )}
    </Card>
  );
}

/** The next binding message: the suggested one with a fresh code, so two runs are told apart. */
const nextBindingMessage = (previous: string): string => {
  const code = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0');
  const match = /^(.*?)([0-9A-F]{4})$/.exec(previous);

  return match ? `${match[1]}${code}` : previous;
};

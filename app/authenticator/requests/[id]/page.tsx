// GET /authenticator/requests/<id> – one request as the user decides on it (read only; the decision is a POST with a passkey assertion)
import { Bot, Check, Clock, Info, KeyRound, MailCheck, ShieldAlert, TimerOff } from 'lucide-react';
import type { Metadata } from 'next';
import { AuthorizationItems } from '@/components/approval/authorization-items';
import { AppFrame, APP_CARD, describeTimeLeft, MessageCard } from '@/components/authenticator/app-frame';
import { DecisionButtons } from '@/components/authenticator/decision-buttons';
import { SignInButton } from '@/components/authenticator/sign-in-button';
import { ButtonLink } from '@/components/ui/button-link';
import { currentAuthenticatorSession } from '@/lib/authenticator/current-session';
import { isAuthenticatorError } from '@/lib/authenticator/errors';
import { getAppRequest, type AppRequest } from '@/lib/authenticator/requests';
import { describeAgent } from '@/lib/ciba/approval-page-data';
import { getDb } from '@/lib/db/client';
import { getProtocolData } from '@/lib/store/get-protocol-store';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign-in request' };

type PageProps = { params: Promise<{ id: string }> };

const FORM_ID = 'decision-form';

function RequestScreen({ request }: { request: AppRequest }) {
  return (
    <section aria-labelledby="request-title" className={`${APP_CARD} px-5 py-6`}>
      <h1 id="request-title" className="text-2xl font-semibold tracking-tight text-balance text-slate-900 dark:text-white">
        <span className="break-words">{request.clientName}</span> wants you to sign in
      </h1>
      {request.agent ? (
        <p
          role="note"
          className="mt-4 flex gap-2.5 rounded-xl bg-indigo-50 px-4 py-3 text-sm text-slate-800 ring-1 ring-indigo-200 ring-inset dark:bg-indigo-400/10 dark:text-slate-200 dark:ring-indigo-400/30"
        >
          <Bot aria-hidden="true" className="mt-0.5 size-5 shrink-0 text-indigo-600 dark:text-indigo-400" />
          <span>
            Requested by an agent: <span className="font-medium">{describeAgent(request.agent)}</span>
          </span>
        </p>
      ) : null}

      <div className="mt-5">
        {request.bindingMessage ? (
          <>
            <p className="text-sm font-medium text-slate-700 dark:text-slate-300">
              Check that this code matches the other device
            </p>
            <p
              className="mt-2 rounded-xl bg-indigo-50 px-5 py-4 text-center font-mono text-3xl font-semibold tracking-wider break-all text-slate-900 ring-1 ring-indigo-200 ring-inset dark:bg-indigo-400/10 dark:text-white dark:ring-indigo-400/30"
              aria-label={`Binding code: ${request.bindingMessage}`}
              data-testid="binding-message"
            >
              {request.bindingMessage}
            </p>
          </>
        ) : (
          <p className="flex gap-2.5 rounded-xl bg-slate-50 px-4 py-3 text-sm text-slate-700 ring-1 ring-slate-200 ring-inset dark:bg-white/5 dark:text-slate-300 dark:ring-white/10">
            <Info aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-slate-500 dark:text-slate-400" />
            The application did not show a code. Only approve if you are sure you started it.
          </p>
        )}
      </div>

      <form id={FORM_ID}>
        <div className="mt-5">
          <h2 className="text-sm font-medium text-slate-700 dark:text-slate-300">{request.clientName} will receive</h2>
          <ul className="mt-2 space-y-1.5">
            {request.scopes.map(({ scope, description }) => (
              <li key={scope} className="flex items-start gap-2.5 text-slate-800 dark:text-slate-200">
                <Check aria-hidden="true" className="mt-1 size-4 shrink-0 text-indigo-600 dark:text-indigo-400" />
                {description}
              </li>
            ))}
          </ul>
        </div>
        {request.items.length > 0 && <AuthorizationItems clientName={request.clientName} items={request.items} />}
      </form>

      <p className="mt-5 flex gap-2.5 text-sm text-slate-600 dark:text-slate-400">
        <Clock aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-slate-500 dark:text-slate-400" />
        <span>
          Expires in{' '}
          <strong className="font-semibold text-slate-900 dark:text-white">{describeTimeLeft(request.secondsLeft)}</strong>.
        </span>
      </p>

      <div
        role="note"
        className="mt-5 flex gap-3 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-300 ring-inset dark:bg-amber-400/10 dark:text-amber-100 dark:ring-amber-400/30"
      >
        <ShieldAlert aria-hidden="true" className="mt-0.5 size-5 shrink-0 text-amber-600 dark:text-amber-400" />
        <p>
          Only approve if you started this and the code matches. Otherwise deny: someone may be trying to get into your account.
        </p>
      </div>

      <DecisionButtons requestId={request.id} formId={FORM_ID} />
    </section>
  );
}

export default async function AuthenticatorRequestPage({ params }: PageProps) {
  const { id } = await params;
  const session = await currentAuthenticatorSession();
  if (!session) {
    return (
      <AppFrame session={null}>
        <MessageCard title="Sign in to see this request" icon={<KeyRound />}>
          <div className="mt-4">
            <SignInButton />
          </div>
        </MessageCard>
      </AppFrame>
    );
  }
  let request: AppRequest;
  try {
    request = await getAppRequest(getDb(), getProtocolData().store, session, id);
  } catch (error) {
    if (!isAuthenticatorError(error)) throw error;
    const copy =
      error.code === 'expired'
        ? {
            title: 'This request has expired',
            body: 'Nothing was approved. Start again on the other device.',
            icon: <TimerOff />,
          }
        : error.code === 'already_decided'
          ? {
              title: 'This request was already answered',
              body: 'It was approved, denied or cancelled before.',
              icon: <MailCheck />,
            }
          : { title: 'Request not found', body: 'There is no such request for you.', icon: <Info /> };

    return (
      <AppFrame session={session} tab="requests">
        <MessageCard title={copy.title} icon={copy.icon}>
          <p>{copy.body}</p>
          <ButtonLink href="/authenticator" variant="secondary" className="mt-5">
            Back to requests
          </ButtonLink>
        </MessageCard>
      </AppFrame>
    );
  }

  return (
    <AppFrame session={session} tab="requests">
      <RequestScreen request={request} />
    </AppFrame>
  );
}

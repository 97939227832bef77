// GET /authenticator – the app's home: sign in with the passkey, or the user's pending requests (a lost notification loses nothing)
import { ChevronRight, Inbox, KeyRound } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { AppFrame, APP_CARD, describeTimeLeft, MessageCard } from '@/components/authenticator/app-frame';
import { PushSetup } from '@/components/authenticator/push-setup';
import { SignInButton } from '@/components/authenticator/sign-in-button';
import { FOCUS_RING, cn } from '@/components/ui/styles';
import { currentAuthenticatorSession } from '@/lib/authenticator/current-session';
import { authenticatorRequestPath } from '@/lib/authenticator/app-paths';
import { listPendingRequests } from '@/lib/authenticator/requests';
import { getVapidKeys } from '@/lib/authenticator/vapid-keys';
import { getDb } from '@/lib/db/client';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Requests' };

export default async function AuthenticatorHome() {
  const session = await currentAuthenticatorSession();
  if (!session) {
    return (
      <AppFrame session={null}>
        <MessageCard title="Sign in to your authenticator" icon={<KeyRound />}>
          <p>Use the passkey you created when you enrolled this device. Your screen lock confirms it is you.</p>
          <div className="mt-6">
            <SignInButton />
          </div>
          <p className="mt-5 text-sm">
            Not enrolled yet? Ask your administrator for an enrolment link, or use the “approve faster” offer after approving a
            request by email.
          </p>
        </MessageCard>
      </AppFrame>
    );
  }

  const db = getDb();
  const now = new Date();
  const [pending, device, vapid] = await Promise.all([
    listPendingRequests(db, session, now),
    db.authenticatorDevice.findUnique({ where: { id: session.deviceId }, select: { pushEndpoint: true } }),
    getVapidKeys(db),
  ]);

  return (
    <AppFrame session={session} tab="requests">
      <h1 className="sr-only">Pending requests</h1>
      <PushSetup vapidPublicKey={vapid.publicKey} subscribed={device?.pushEndpoint != null} />
      {pending.length === 0 ? (
        <section className={cn(APP_CARD, 'mt-5 p-8 text-center')} aria-labelledby="empty-title">
          <Inbox aria-hidden="true" className="mx-auto size-8 text-slate-400" />
          <h2 id="empty-title" className="mt-3 font-semibold text-slate-900 dark:text-white">
            No pending requests
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            When an application asks you to sign in, the request shows up here.
          </p>
        </section>
      ) : (
        <section aria-labelledby="pending-title" className="mt-5">
          <h2 id="pending-title" className="text-sm font-medium text-slate-700 dark:text-slate-300">
            Waiting for you ({pending.length})
          </h2>
          <ul className={cn(APP_CARD, 'mt-2 divide-y divide-slate-200 dark:divide-white/10')}>
            {pending.map((request) => (
              <li key={request.id}>
                <Link
                  href={authenticatorRequestPath(request.id)}
                  className={cn('flex items-center gap-3 px-4 py-4 hover:bg-slate-50 dark:hover:bg-white/5', FOCUS_RING)}
                  data-testid="pending-request"
                >
                  <div className="min-w-0 flex-1">
                    <p className="truncate font-semibold text-slate-900 dark:text-white">{request.clientName}</p>
                    <p className="text-sm text-slate-600 dark:text-slate-400">
                      {request.bindingMessage ? (
                        <>
                          Code{' '}
                          <span className="font-mono font-semibold text-slate-900 dark:text-white">{request.bindingMessage}</span>{' '}
                          ·{' '}
                        </>
                      ) : null}
                      expires in {describeTimeLeft(Math.floor((request.expiresAt.getTime() - now.getTime()) / 1000))}
                    </p>
                  </div>
                  <ChevronRight aria-hidden="true" className="size-5 shrink-0 text-slate-400" />
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </AppFrame>
  );
}

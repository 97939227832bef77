// GET /t/<tenant>/approve/<token> – the authentication device page of the email channel (CIBA §8)
// Pure read: an email scanner following the link changes nothing. The decision is a POST to ./decision.
import type { AuthenticatorTransportFuture } from '@simplewebauthn/types';
import { Bot, Check, Clock, Fingerprint, Info, Link2Off, type LucideIcon, MailCheck, ShieldAlert, TimerOff } from 'lucide-react';
import type { Metadata } from 'next';
import {
  describeAgent,
  findApprovalByToken,
  recordLinkOpened,
  type ApprovalAgent,
  type ApprovalLookup,
} from '@/lib/ciba/approval-page-data';
import { APPROVAL_CSRF_PURPOSE, PASSKEY_FAILURES, type PasskeyFailure } from '@/lib/ciba/decide-approval';
import { passkeyStepOfApproval, type PasskeyReason } from '@/lib/ciba/passkey-step';
import { relyingParty } from '@/lib/authenticator/relying-party';
import type { AuthenticatorCredentialRow } from '@/lib/store/protocol-store';
import { PasskeyDecision } from '@/components/approval/passkey-decision';
import { csrfTokenFor } from '@/lib/security/csrf';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { AuthorizationItems } from '@/components/approval/authorization-items';
import { Button } from '@/components/ui/button';
import { PublicShell } from '@/components/ui/public-shell';

export const dynamic = 'force-dynamic';

// The URL holds a secret: never send it on as a Referer, never index it.
export const metadata: Metadata = {
  title: 'Approve sign-in',
  // The URL holds the link secret: never send it to another origin. Same-origin
  // requests keep a real Origin header, which the decision POST checks.
  referrer: 'same-origin',
  robots: { index: false, follow: false, nocache: true },
};

type PageProps = {
  params: Promise<{ tenant: string; token: string }>;
  /** `passkey`: why the last approval's passkey step failed (set by ./decision); display only. */
  searchParams?: Promise<{ passkey?: string | string[] }>;
};

/** Why the page asks for the passkey (the reason of lib/ciba/passkey-step.ts), in the user's words. */
const passkeyReasonCopy = (reason: PasskeyReason, names: { client: string; tenant: string }): string => {
  switch (reason) {
    case 'acr':
      return `${names.client} asked for sign-in with your passkey, so the link in this email is not enough on its own.`;
    case 'tenant_policy':
      return `${names.tenant} asks for your passkey to approve sign-ins, because you have enrolled an authenticator.`;
    case 'client_policy':
      return `${names.client} asks for your passkey to approve sign-ins, because you have enrolled an authenticator.`;
  }
};

/** What went wrong with the last passkey attempt; nothing was approved and the link still works. */
const PASSKEY_FAILURE_COPY: Record<PasskeyFailure, string> = {
  missing:
    'Approving needs your passkey, and none was received. Your browser must allow JavaScript for this page; then choose Approve with passkey again.',
  unknown_device:
    'That passkey is not one enrolled for your account, or it was removed. Use the passkey of your enrolled authenticator and try again.',
  invalid_assertion:
    'Your passkey’s answer did not match this request, so nothing was approved. It may have been made for another request or another choice. Try again.',
  counter_mismatch:
    'Your passkey’s answer was refused because its use counter did not move forward, which can mean the passkey was copied. Nothing was approved. Try again, and tell your administrator if this keeps happening.',
  no_device:
    'This request can only be approved with a passkey, and your account has no enrolled authenticator any more. You can deny it, or ask your administrator to enrol a new one.',
};

const readPasskeyFailure = (value: string | string[] | undefined): PasskeyFailure | null =>
  typeof value === 'string' && (PASSKEY_FAILURES as readonly string[]).includes(value) ? (value as PasskeyFailure) : null;

const TRANSPORTS: readonly AuthenticatorTransportFuture[] = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];

/** A stored credential as allowCredentials wants it (transports: the known hints of its JSON array). */
const toAllowedCredential = (row: AuthenticatorCredentialRow): { id: string; transports: AuthenticatorTransportFuture[] } => {
  let transports: unknown = null;
  try {
    transports = row.transports === null ? null : JSON.parse(row.transports);
  } catch {
    transports = null;
  }

  return {
    id: row.credentialId,
    transports: Array.isArray(transports)
      ? transports.filter((value): value is AuthenticatorTransportFuture =>
          TRANSPORTS.includes(value as AuthenticatorTransportFuture),
        )
      : [],
  };
};

function PasskeyNotice({ reason }: { reason: string }) {
  return (
    <div
      role="note"
      aria-labelledby="passkey-notice-title"
      className="mt-6 flex gap-3 rounded-xl bg-indigo-50 px-4 py-3 text-sm text-slate-800 ring-1 ring-indigo-200 ring-inset dark:bg-indigo-400/10 dark:text-slate-200 dark:ring-indigo-400/30"
    >
      <Fingerprint className="mt-0.5 size-5 shrink-0 text-indigo-600 dark:text-indigo-400" />
      <div>
        <p id="passkey-notice-title" className="font-semibold text-slate-900 dark:text-white">
          Approve with your passkey
        </p>
        <p className="mt-1">{reason}</p>
        <p className="mt-1 text-slate-600 dark:text-slate-400">
          Your device will ask for your fingerprint, face or PIN. This proves it is you approving, not just someone who can open
          your email or a program using your browser. You can deny without it.
        </p>
      </div>
    </div>
  );
}

type InvalidState = Exclude<ApprovalLookup['state'], 'valid'>;

const INVALID_COPY: Record<InvalidState, { title: string; body: string; Icon: LucideIcon }> = {
  unknown: {
    Icon: Link2Off,
    title: 'This link is no longer valid',
    body: 'We could not find a sign-in request for this link. Check that you opened the whole link from the email, or start again on the other device.',
  },
  used: {
    Icon: MailCheck,
    title: 'This link has already been used',
    body: 'The request was already answered with this link. Each link works only once. If you did not answer it yourself, contact your administrator.',
  },
  expired: {
    Icon: TimerOff,
    title: 'This request has expired',
    body: 'The time to answer this sign-in request has run out, so nothing was approved. Start again on the other device if you still want to sign in.',
  },
  decided: {
    Icon: MailCheck,
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

const CARD =
  'overflow-hidden rounded-2xl bg-white shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10';

function InvalidLink({ state }: { state: InvalidState }) {
  const { Icon, ...copy } = INVALID_COPY[state];

  return (
    <PublicShell hideHeader>
      <section aria-labelledby="invalid-title" className={`${CARD} p-8 text-center`}>
        <span className="mx-auto flex size-12 items-center justify-center rounded-full bg-slate-100 text-slate-600 ring-1 ring-slate-200 dark:bg-white/5 dark:text-slate-300 dark:ring-white/10">
          <Icon className="size-6" />
        </span>
        <h1 id="invalid-title" className="mt-4 text-2xl font-semibold tracking-tight text-balance text-slate-900 dark:text-white">
          {copy.title}
        </h1>
        <p className="mt-3 text-pretty text-slate-600 dark:text-slate-400">{copy.body}</p>
        <p className="mt-6 text-sm text-slate-600 dark:text-slate-400">You can close this page.</p>
      </section>
    </PublicShell>
  );
}

/** The agent acting for the user (actor_token), named apart from the application it works through. */
function AgentNotice({ agent, clientName }: { agent: ApprovalAgent; clientName: string }) {
  return (
    <div
      role="note"
      aria-label="Agent"
      className="mt-5 flex gap-3 rounded-xl bg-indigo-50 px-4 py-3 text-sm text-slate-800 ring-1 ring-indigo-200 ring-inset dark:bg-indigo-400/10 dark:text-slate-200 dark:ring-indigo-400/30"
    >
      <Bot className="mt-0.5 size-5 shrink-0 text-indigo-600 dark:text-indigo-400" />
      <div className="min-w-0">
        <p className="font-medium text-slate-900 dark:text-white">Requested by an agent</p>
        <p className="mt-0.5 wrap-break-word" data-testid="approval-agent">
          {describeAgent(agent)}
        </p>
        <p className="mt-1 text-slate-600 dark:text-slate-400">
          It asks through <span className="wrap-break-word">{clientName}</span>. Approve only if you expect this agent to act for
          you.
        </p>
      </div>
    </div>
  );
}

export default async function ApprovePage({ params, searchParams }: PageProps) {
  const { tenant: tenantSlug, token } = await params;
  const passkeyFailure = readPasskeyFailure((await searchParams)?.passkey);
  const { store } = getProtocolData();
  const now = new Date();
  const approval = await findApprovalByToken(store, tenantSlug, token, now);
  if (approval.state !== 'valid') return <InvalidLink state={approval.state} />;
  await recordLinkOpened(store, approval, now);

  const { client, tenant, user, request, link, scopes, secondsLeft, items, agent } = approval;
  const csrfToken = csrfTokenFor(APPROVAL_CSRF_PURPOSE, link.tokenHash);
  const passkeyStep = await passkeyStepOfApproval(store, approval);
  const action = `/t/${encodeURIComponent(tenant.slug)}/approve/${encodeURIComponent(token)}/decision`;

  return (
    <PublicShell hideHeader>
      <section aria-labelledby="approve-title" className={CARD}>
        <div className="flex items-center gap-3 border-b border-slate-200 bg-slate-50 px-6 py-3.5 sm:px-8 dark:border-white/10 dark:bg-white/[0.03]">
          <span
            aria-hidden="true"
            className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-indigo-600 text-sm font-semibold text-white uppercase dark:bg-indigo-500"
          >
            {tenant.name.trim().charAt(0)}
          </span>
          <div className="min-w-0 text-sm">
            <p className="truncate font-medium text-slate-900 dark:text-white">{tenant.name}</p>
            <p className="text-slate-600 dark:text-slate-400">Sign-in request</p>
          </div>
        </div>

        <div className="px-6 py-7 sm:px-8">
          <h1 id="approve-title" className="text-2xl font-semibold tracking-tight text-balance text-slate-900 dark:text-white">
            <span className="break-words">{client.name}</span> wants you to sign in
          </h1>
          <p className="mt-2 text-slate-600 dark:text-slate-400">
            A sign-in was started on another device for{' '}
            <strong className="font-semibold wrap-break-word text-slate-900 dark:text-white">{user.email}</strong>.
          </p>
          {agent ? <AgentNotice agent={agent} clientName={client.name} /> : null}

          <div className="mt-6">
            {request.bindingMessage ? (
              <>
                <p className="text-sm font-medium text-slate-700 dark:text-slate-300">
                  Check that this code matches the other device
                </p>
                <p
                  className="mt-2 rounded-xl bg-indigo-50 px-5 py-4 text-center font-mono text-3xl font-semibold tracking-wider break-all text-slate-900 ring-1 ring-indigo-200 ring-inset dark:bg-indigo-400/10 dark:text-white dark:ring-indigo-400/30"
                  aria-label={`Binding code: ${request.bindingMessage}`}
                >
                  {request.bindingMessage}
                </p>
              </>
            ) : (
              <p className="flex gap-2.5 rounded-xl bg-slate-50 px-4 py-3 text-sm text-slate-700 ring-1 ring-slate-200 ring-inset dark:bg-white/5 dark:text-slate-300 dark:ring-white/10">
                <Info className="mt-0.5 size-4 shrink-0 text-slate-500 dark:text-slate-400" />
                The application did not show a code for this request. Only approve if you are sure you started it.
              </p>
            )}
          </div>

          <form id="approval-form" method="post" action={action} autoComplete="off">
            <input type="hidden" name="csrf_token" value={csrfToken} />
            <div className="mt-6">
              <h2 className="text-sm font-medium text-slate-700 dark:text-slate-300">{client.name} will receive</h2>
              <ul className="mt-2 space-y-1.5">
                {scopes.map(({ scope, description }) => (
                  <li key={scope} className="flex items-start gap-2.5 text-slate-800 dark:text-slate-200">
                    <Check className="mt-1 size-4 shrink-0 text-indigo-600 dark:text-indigo-400" />
                    {description}
                  </li>
                ))}
              </ul>
            </div>

            {items.length > 0 && <AuthorizationItems clientName={client.name} items={items} />}

            <p className="mt-6 flex gap-2.5 text-sm text-slate-600 dark:text-slate-400">
              <Clock className="mt-0.5 size-4 shrink-0 text-slate-500 dark:text-slate-400" />
              <span>
                This request expires in{' '}
                <strong className="font-semibold text-slate-900 dark:text-white">{describeTimeLeft(secondsLeft)}</strong> (at{' '}
                <time dateTime={request.expiresAt.toISOString()}>{formatExpiry(request.expiresAt)}</time>).
              </span>
            </p>

            <div
              role="note"
              className="mt-6 flex gap-3 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-950 ring-1 ring-amber-300 ring-inset dark:bg-amber-400/10 dark:text-amber-100 dark:ring-amber-400/30"
            >
              <ShieldAlert className="mt-0.5 size-5 shrink-0 text-amber-600 dark:text-amber-400" />
              <div>
                <p className="font-semibold">Only approve if you started this on the other device and the code matches.</p>
                <p className="mt-1">
                  If you did not start it, or the code is different, choose Deny: someone may be trying to get into your account.
                </p>
              </div>
            </div>

            {passkeyStep.required ? (
              <>
                <PasskeyNotice reason={passkeyReasonCopy(passkeyStep.reason, { client: client.name, tenant: tenant.name })} />
                <PasskeyDecision
                  requestId={request.id}
                  bindingMessage={request.bindingMessage}
                  storedAuthorizationDetails={request.storedAuthorizationDetails}
                  hasItems={items.length > 0}
                  requiredItems={items.filter((item) => !item.optional).map((item) => item.index)}
                  credentials={passkeyStep.credentials.map(toAllowedCredential)}
                  rpId={relyingParty().rpId}
                  canApprove={passkeyStep.credentials.length > 0}
                  initialError={
                    passkeyStep.credentials.length === 0
                      ? PASSKEY_FAILURE_COPY.no_device
                      : passkeyFailure === null
                        ? null
                        : PASSKEY_FAILURE_COPY[passkeyFailure]
                  }
                />
              </>
            ) : (
              <div className="mt-7 grid grid-cols-2 gap-3">
                <Button type="submit" name="decision" value="deny" variant="secondary" size="lg">
                  Deny
                </Button>
                <Button type="submit" name="decision" value="approve" variant="primary" size="lg">
                  Approve
                </Button>
              </div>
            )}
          </form>
        </div>
      </section>
    </PublicShell>
  );
}

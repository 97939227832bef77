import { LogIn } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { SignInCard } from '@/components/console/sign-in-card';
import { ButtonLink } from '@/components/ui/button-link';
import { SubmitButton } from '@/components/ui/submit-button';
import { EMAIL_CALLBACK_PATH, SIGN_IN_PATH } from '@/lib/auth/auth-paths';

// same-origin: the token never leaves in a Referer, and the form's POST still carries its Origin (no-referrer would send "null").
export const metadata: Metadata = { title: 'Confirm sign-in', referrer: 'same-origin' };
export const dynamic = 'force-dynamic';

type ConfirmSearchParams = { token?: string | string[]; email?: string | string[]; callbackUrl?: string | string[] };

const single = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

// What the emailed link opens. Opening it uses nothing (mail scanners open links too); the button
// POSTs the link's parameters to Auth.js, which signs in and spends the link.
export default async function ConfirmSignInPage({ searchParams }: { searchParams: Promise<ConfirmSearchParams> }) {
  const params = await searchParams;
  const token = single(params.token);
  const email = single(params.email);
  if (!token || !email) {
    return (
      <SignInCard
        icon={<LogIn />}
        title="This sign-in link is incomplete"
        description="Open the link exactly as it is in the email, or ask for a new one."
      >
        <ButtonLink href={SIGN_IN_PATH}>Ask for a new link</ButtonLink>
      </SignInCard>
    );
  }
  const query = new URLSearchParams({ token, email, callbackUrl: single(params.callbackUrl) ?? '/admin' });

  return (
    <SignInCard
      icon={<LogIn />}
      title="Sign in to the console"
      description={
        <p>
          Continue as <strong className="font-semibold text-slate-900 dark:text-white">{email}</strong>. The link works once.
        </p>
      }
    >
      <form method="post" action={`${EMAIL_CALLBACK_PATH}?${query.toString()}`}>
        <SubmitButton fullWidth icon={<LogIn />} pendingLabel="Signing in…">
          Sign in
        </SubmitButton>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">
        Not you?{' '}
        <Link href={SIGN_IN_PATH} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
          Sign in with another address
        </Link>
      </p>
    </SignInCard>
  );
}

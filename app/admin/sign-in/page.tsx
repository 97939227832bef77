import { LockKeyhole } from 'lucide-react';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInCard } from '@/components/console/sign-in-card';
import { SignInForm } from '@/components/console/sign-in-form';
import { auth } from '@/lib/auth/auth';
import { CONSOLE_HOME_PATH } from '@/lib/auth/auth-paths';
import { requestSignInLink } from './actions';

export const metadata: Metadata = { title: 'Sign in to the console' };
export const dynamic = 'force-dynamic';

/** Auth.js's error types (`?error=`) a visitor can meet here, in words. */
const ERROR_MESSAGES: Record<string, string> = {
  Verification: 'That sign-in link has expired or was already used. Ask for a new one below.',
  AccessDenied: 'That address may not sign in to this console. Ask an owner to invite you.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  if ((await auth())?.user?.id) redirect(CONSOLE_HOME_PATH);
  const { error } = await searchParams;
  const message = typeof error === 'string' ? (ERROR_MESSAGES[error] ?? 'Signing in did not work. Try again.') : null;

  return (
    <SignInCard
      icon={<LockKeyhole />}
      title="Sign in to the console"
      description="Enter the email address you administer Backchannel with. We will email you a link that signs you in."
    >
      {message ? (
        <p
          role="alert"
          className="mb-5 rounded-lg bg-red-50 px-3 py-2.5 text-sm text-red-800 ring-1 ring-red-600/20 dark:bg-red-400/10 dark:text-red-200 dark:ring-red-400/25"
        >
          {message}
        </p>
      ) : null}
      <SignInForm action={requestSignInLink} />
    </SignInCard>
  );
}

import { MailCheck } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { SignInCard } from '@/components/console/sign-in-card';
import { SIGN_IN_PATH } from '@/lib/auth/auth-paths';

export const metadata: Metadata = { title: 'Check your email' };

// The same page for every address: it must not tell whether one may sign in.
export default function CheckEmailPage() {
  return (
    <SignInCard
      icon={<MailCheck />}
      title="Check your email"
      description={
        <>
          <p>If that address may sign in to this console, a sign-in link is on its way. It works once, for 10 minutes.</p>
          <p className="mt-3">
            No email? Check your spam folder, or{' '}
            <Link
              href={SIGN_IN_PATH}
              className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
            >
              ask for a new link
            </Link>
            . Without an email provider configured, the link is printed in the server log.
          </p>
        </>
      }
    />
  );
}

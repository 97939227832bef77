// GET /t/<tenant>/user-code/done?outcome=… – where the user-code forms redirect (303)
import { CircleCheck, TriangleAlert } from 'lucide-react';
import type { Metadata } from 'next';
import { UserCodeMessage } from '@/components/user-code/user-code-card';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'User code', robots: { index: false, follow: false } };

type PageProps = { searchParams: Promise<{ outcome?: string | string[] }> };

const OUTCOMES = {
  set: {
    Icon: CircleCheck,
    title: 'Your user code is set',
    body: 'Applications that ask for your user code will accept the new one from now on. You can close this page.',
  },
  used: { Icon: TriangleAlert, title: 'This link has already been used', body: 'Each link works only once. Ask for a new one.' },
  expired: { Icon: TriangleAlert, title: 'This link has expired', body: 'Links work for 15 minutes. Ask for a new one.' },
  invalid: {
    Icon: TriangleAlert,
    title: 'Nothing was changed',
    body: 'The link or the form was not valid. Open the link from the email again, or ask for a new one.',
  },
  error: {
    Icon: TriangleAlert,
    title: 'Nothing was changed',
    body: 'Something went wrong on our side. Please try again.',
  },
} as const;

const isKnownOutcome = (value: unknown): value is keyof typeof OUTCOMES =>
  typeof value === 'string' && Object.hasOwn(OUTCOMES, value);

export default async function UserCodeDonePage({ searchParams }: PageProps) {
  const { outcome } = await searchParams;

  return <UserCodeMessage {...OUTCOMES[isKnownOutcome(outcome) ? outcome : 'invalid']} />;
}

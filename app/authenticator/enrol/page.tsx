// GET /authenticator/enrol?token=… – the emailed enrolment link: shows what it does; only the passkey creation (a POST) uses it
import { Fingerprint, Link2Off, MailCheck, TimerOff } from 'lucide-react';
import type { Metadata } from 'next';
import { AppFrame, MessageCard } from '@/components/authenticator/app-frame';
import { EnrolFlow } from '@/components/authenticator/enrol-flow';
import { findEnrollment } from '@/lib/authenticator/enrollment';
import { getVapidKeys } from '@/lib/authenticator/vapid-keys';
import { getDb } from '@/lib/db/client';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Set up the authenticator' };

type PageProps = { searchParams: Promise<{ token?: string | string[] }> };

const INVALID = {
  unknown: {
    title: 'This enrolment link is not valid',
    body: 'Check that you opened the whole link from the email, or ask for a new one.',
    icon: <Link2Off />,
  },
  used: {
    title: 'This enrolment link was used already',
    body: 'Each link works once. Ask your administrator for a new one to enrol another device.',
    icon: <MailCheck />,
  },
  expired: {
    title: 'This enrolment link has expired',
    body: 'Links work for 24 hours. Ask your administrator for a new one.',
    icon: <TimerOff />,
  },
} as const;

export default async function EnrolPage({ searchParams }: PageProps) {
  const { token } = await searchParams;
  const db = getDb();
  const lookup = await findEnrollment(db, token, new Date());
  if (lookup.state !== 'valid') {
    const copy = INVALID[lookup.state];

    return (
      <AppFrame session={null}>
        <MessageCard title={copy.title} icon={copy.icon}>
          <p>{copy.body}</p>
        </MessageCard>
      </AppFrame>
    );
  }
  const { publicKey } = await getVapidKeys(db);

  return (
    <AppFrame session={null}>
      <MessageCard title={`Set up the ${lookup.tenant.name} authenticator`} icon={<Fingerprint />}>
        <p>
          For <strong className="font-semibold wrap-break-word text-slate-900 dark:text-white">{lookup.user.email}</strong>. This
          device will get sign-in requests and you approve them with its screen lock (a passkey). Nothing is shared until you
          approve a request.
        </p>
        <div className="mt-6 text-left">
          <EnrolFlow token={token as string} vapidPublicKey={publicKey} />
        </div>
      </MessageCard>
    </AppFrame>
  );
}

// GET /authenticator/devices – the user's own enrolled devices, each with Revoke
import { KeyRound, Smartphone } from 'lucide-react';
import type { Metadata } from 'next';
import { AppFrame, APP_CARD, MessageCard } from '@/components/authenticator/app-frame';
import { RevokeDeviceButton } from '@/components/authenticator/revoke-device-button';
import { SignInButton } from '@/components/authenticator/sign-in-button';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/styles';
import { currentAuthenticatorSession } from '@/lib/authenticator/current-session';
import { listOwnDevices } from '@/lib/authenticator/own-devices';
import { getDb } from '@/lib/db/client';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Devices' };

const formatDate = (iso: string | null): string =>
  iso === null
    ? 'never'
    : `${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' }).format(new Date(iso))} UTC`;

export default async function DevicesPage() {
  const session = await currentAuthenticatorSession();
  if (!session) {
    return (
      <AppFrame session={null}>
        <MessageCard title="Sign in to see your devices" icon={<KeyRound />}>
          <div className="mt-4">
            <SignInButton />
          </div>
        </MessageCard>
      </AppFrame>
    );
  }
  const devices = await listOwnDevices(getDb(), session);

  return (
    <AppFrame session={session} tab="devices">
      <h1 className="text-sm font-medium text-slate-700 dark:text-slate-300">Your enrolled devices</h1>
      <ul className={cn(APP_CARD, 'mt-2 divide-y divide-slate-200 dark:divide-white/10')}>
        {devices.map((device) => (
          <li key={device.id} className="flex items-start gap-3 px-4 py-4" data-testid="own-device">
            <Smartphone aria-hidden="true" className="mt-0.5 size-5 shrink-0 text-slate-500 dark:text-slate-400" />
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-2 font-semibold text-slate-900 dark:text-white">
                <span className="break-words">{device.name}</span>
                {device.current ? <Badge tone="indigo">This device</Badge> : null}
                <Badge tone={device.push ? 'green' : 'neutral'}>{device.push ? 'Notifications on' : 'No notifications'}</Badge>
              </p>
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Enrolled {formatDate(device.created_at)}</p>
              <p className="text-sm text-slate-600 dark:text-slate-400">Last used {formatDate(device.last_used_at)}</p>
            </div>
            <RevokeDeviceButton deviceId={device.id} deviceName={device.name} current={device.current} />
          </li>
        ))}
      </ul>
      <p className="mt-4 text-sm text-slate-600 dark:text-slate-400">
        Lost a device? Revoke it here (or ask your administrator): its passkey can no longer approve anything.
      </p>
    </AppFrame>
  );
}

// GET /authenticator/offline – the offline shell the service worker caches and shows when the network is gone
import { WifiOff } from 'lucide-react';
import type { Metadata } from 'next';
import { AppFrame, MessageCard } from '@/components/authenticator/app-frame';

export const metadata: Metadata = { title: 'Offline' };

export default function OfflinePage() {
  return (
    <AppFrame session={null}>
      <MessageCard title="You are offline" icon={<WifiOff />}>
        <p>Requests are approved online only. Reconnect and reopen the app: pending requests will be waiting.</p>
      </MessageCard>
    </AppFrame>
  );
}

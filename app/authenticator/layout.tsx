// The authenticator app (issue 13): an installable PWA under /authenticator (manifest, service worker with scope /authenticator/).
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { ServiceWorkerRegistration } from '@/components/authenticator/service-worker-registration';

export const metadata: Metadata = {
  title: { default: 'Authenticator', template: '%s · Authenticator' },
  manifest: '/authenticator/manifest.webmanifest',
  referrer: 'same-origin',
  robots: { index: false, follow: false, nocache: true },
  icons: { icon: '/authenticator/icon.svg', apple: '/authenticator/icon.svg' },
  appleWebApp: { capable: true, title: 'Authenticator', statusBarStyle: 'default' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, viewportFit: 'cover' };

export default function AuthenticatorLayout({ children }: { children: ReactNode }) {
  return (
    <>
      {children}
      <ServiceWorkerRegistration />
    </>
  );
}

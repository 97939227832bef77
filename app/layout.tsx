import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Backchannel', template: '%s · Backchannel' },
  description: 'A self-hosted OpenID Provider built around CIBA (Client-Initiated Backchannel Authentication).',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0f172a' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900">
        <div className="flex min-h-screen flex-col">
          <main className="flex flex-1 flex-col items-center px-4 py-10 sm:py-16">{children}</main>
          <footer className="px-4 pb-8 text-center text-xs text-slate-500">Backchannel · CIBA OpenID Provider</footer>
        </div>
      </body>
    </html>
  );
}

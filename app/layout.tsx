import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import localFont from 'next/font/local';
import type { ReactNode } from 'react';
import { THEME_SCRIPT } from '@/components/theme/theme';
import { Toaster } from '@/components/ui/toaster';
import { NONCE_REQUEST_HEADER } from '@/lib/http/security-headers';
import './globals.css';

// Inter (variable, Latin subset) from @fontsource-variable/inter, self-hosted by next/font: no download at build or run time.
const inter = localFont({
  src: '../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  weight: '100 900',
  style: 'normal',
  display: 'swap',
  variable: '--font-inter',
});

export const metadata: Metadata = {
  title: { default: 'Backchannel', template: '%s · Backchannel' },
  description: 'A self-hosted OpenID Provider built around CIBA (Client-Initiated Backchannel Authentication).',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f8fafc' },
    { media: '(prefers-color-scheme: dark)', color: '#020617' },
  ],
};

// Each page brings its own frame (components/ui/public-shell.tsx, or the console's app-shell).
// The theme script sets `.dark` on <html> before first paint, so suppressHydrationWarning there.
// It runs under the CSP with the nonce proxy.ts made for this response; reading it makes every page dynamic,
// which a per-response nonce needs anyway.
export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get(NONCE_REQUEST_HEADER) ?? undefined;

  return (
    <html lang="en" className={inter.variable} suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-dvh font-sans">
        {children}
        <Toaster />
      </body>
    </html>
  );
}

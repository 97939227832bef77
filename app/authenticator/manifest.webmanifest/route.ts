// GET /authenticator/manifest.webmanifest – the installable app (Web App Manifest)
export const dynamic = 'force-static';

export function GET(): Response {
  return Response.json(
    {
      name: 'Backchannel Authenticator',
      short_name: 'Authenticator',
      description: 'Approve or deny sign-in requests with your passkey.',
      id: '/authenticator',
      start_url: '/authenticator',
      scope: '/authenticator',
      display: 'standalone',
      background_color: '#f8fafc',
      theme_color: '#4f46e5',
      icons: [{ src: '/authenticator/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any maskable' }],
    },
    { headers: { 'Content-Type': 'application/manifest+json', 'Cache-Control': 'public, max-age=3600' } },
  );
}

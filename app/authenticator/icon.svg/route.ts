// GET /authenticator/icon.svg – the app icon (a key on the console's indigo)
export const dynamic = 'force-static';

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="96" fill="#4f46e5"/><g fill="none" stroke="#fff" stroke-width="36" stroke-linecap="round" stroke-linejoin="round"><circle cx="196" cy="256" r="76"/><path d="M272 256h160M384 256v64M336 256v44"/></g></svg>`;

export function GET(): Response {
  return new Response(ICON, { headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' } });
}

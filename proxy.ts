// Every request Next.js serves (pages, console, route adapters): refuse what no route can mean
// (lib/http/screen-request.ts), then set the security headers with a fresh CSP nonce
// (lib/http/security-headers.ts). Not an authorisation boundary: pages check access next to the data.
import { randomBytes } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import { getBaseEnv } from '@/lib/env';
import { hasMultipartBody, refusalResponse, screenRequest, type RequestRefusal } from '@/lib/http/screen-request';
import { NONCE_REQUEST_HEADER, nonPageSecurityHeaders, pageSecurityHeaders, showsPrivateData } from '@/lib/http/security-headers';

const refuse = (refusal: RequestRefusal, https: boolean): Response => {
  const { status, headers, body } = refusalResponse(refusal);

  return new Response(body, { status, headers: { ...nonPageSecurityHeaders({ https }), ...headers } });
};

/** Whether a multipart body parses (Next.js answers a malformed one to a page with a 500). */
const multipartParses = async (request: NextRequest): Promise<boolean> => {
  try {
    await request.clone().formData();

    return true;
  } catch {
    return false;
  }
};

export async function proxy(request: NextRequest): Promise<Response> {
  const https = getBaseEnv().appUrl.startsWith('https:');
  const { pathname, search } = request.nextUrl;
  const screened = {
    method: request.method,
    target: pathname + search,
    header: (name: string) => request.headers.get(name) ?? undefined,
  };
  const refusal = screenRequest(screened);
  if (refusal) return refuse(refusal, https);
  if (hasMultipartBody(screened) && !(await multipartParses(request))) {
    return refuse({ status: 400, reason: 'The multipart body is malformed.', headers: {} }, https);
  }

  const nonce = randomBytes(16).toString('base64');
  const headers = pageSecurityHeaders({ nonce, https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set(NONCE_REQUEST_HEADER, nonce);
  // Next.js reads the nonce for its own scripts from the request's CSP.
  requestHeaders.set('content-security-policy', headers['Content-Security-Policy']);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  if (showsPrivateData(pathname)) response.headers.set('Cache-Control', 'no-store');

  return response;
}

export const config = {
  // Static assets are immutable files: no nonce, no screening needed.
  matcher: ['/((?!_next/static/|_next/image|favicon.ico).*)'],
};

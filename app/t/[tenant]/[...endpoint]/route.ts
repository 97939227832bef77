// /t/<tenant>/{.well-known/openid-configuration, .well-known/jwks.json, bc-authorize, oauth/token, userinfo, revoke, introspect,
// register, register/<client_id>, test/ciba/approve|allow|deny (only with CIBA_TEST_HOOKS=true)}
// Thin adapter: Next.js request → ProtocolRequest → the shared protocol router (CIBA §7, §10, §11; OIDC Core §5.3;
// RFC 7009; RFC 7662; RFC 7591; RFC 7592).
import { collectBody } from '@/lib/http/collect-body';
import { MAX_FORM_BODY_BYTES } from '@/lib/http/protocol-http';
import { handleProtocolRequest } from '@/lib/http/protocol-router';
import { resolveRequestId } from '@/lib/http/request-id';

export const dynamic = 'force-dynamic';

// No clientCertificate: a route handler sees neither the TLS socket nor the peer's address, so it can
// neither read a handshake certificate nor prove a request came from a trusted proxy — it never reads
// TRUSTED_PROXY_CERT_HEADER. Mutual-TLS clients (RFC 8705) need `npm start`'s HTTP layer (lib/http/http-layer.ts).

const serve = async (request: Request): Promise<Response> => {
  const receivedAt = new Date();
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const url = new URL(request.url);
  const response = await handleProtocolRequest({
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    headers,
    body: await collectBody(request.body, MAX_FORM_BODY_BYTES),
    receivedAt,
    requestId: resolveRequestId(headers['x-request-id']),
    // Next aborts it when the client disconnects: a held long poll is released (CIBA §10.1).
    signal: request.signal,
  });

  return new Response(response.body, { status: response.status, headers: response.headers });
};

export { serve as GET, serve as POST, serve as PUT, serve as PATCH, serve as DELETE, serve as OPTIONS };

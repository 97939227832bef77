// How an application authenticates with its method, and what its developer configures: shown when a
// client without a secret is created, and on its page in place of the secret.
import type { ReactNode } from 'react';

const GUIDES: Record<string, ReactNode> = {
  client_secret_basic: 'It sends its client ID and secret in an HTTP Basic Authorization header (RFC 6749 §2.3.1).',
  client_secret_post: 'It sends client_id and client_secret in the form body (RFC 6749 §2.3.1).',
  private_key_jwt: (
    <>
      It has <strong className="font-semibold">no secret</strong>. At the token and backchannel endpoints it sends a JWT signed
      with its private key as <code className="font-mono text-xs">client_assertion</code> (RFC 7523 §2.2):{' '}
      <code className="font-mono text-xs">iss</code> and <code className="font-mono text-xs">sub</code> = its client ID,{' '}
      <code className="font-mono text-xs">aud</code> = the issuer, a short <code className="font-mono text-xs">exp</code> and a
      new <code className="font-mono text-xs">jti</code> each time. Its public keys must be registered here (JWKS or JWKS URL).
    </>
  ),
  tls_client_auth: (
    <>
      It has <strong className="font-semibold">no secret</strong>. It connects with mutual TLS and a CA-issued certificate whose
      subject DN matches the one registered here (RFC 8705 §2.1); it sends its{' '}
      <code className="font-mono text-xs">client_id</code> in the form. Its access tokens are bound to that certificate.
    </>
  ),
  self_signed_tls_client_auth: (
    <>
      It has <strong className="font-semibold">no secret</strong>. It connects with mutual TLS and a self-signed certificate that
      is registered here in its JWKS (x5c, RFC 8705 §2.2); it sends its <code className="font-mono text-xs">client_id</code> in
      the form. Its access tokens are bound to that certificate.
    </>
  ),
};

export function AuthMethodGuide({ method }: { method: string }) {
  return <p className="text-sm text-slate-700 dark:text-slate-300">{GUIDES[method] ?? method}</p>;
}

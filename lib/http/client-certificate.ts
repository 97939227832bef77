import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { normalizeAddress, type TrustedProxy } from '@/lib/env';
import type { ClientCertificate } from '@/lib/http/protocol-http';

/** A header certificate longer than this is not read (a PEM chain of a few certificates fits easily). */
const MAX_HEADER_CERTIFICATE_LENGTH = 16 * 1024;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Whether `at` is within the certificate's validity period (RFC 5280 §4.1.2.5). */
export const isCertificateCurrent = (certificate: X509Certificate, at: Date): boolean =>
  Date.parse(certificate.validFrom) <= at.getTime() && at.getTime() <= Date.parse(certificate.validTo);

/** Every certificate of a PEM file (TLS_CA_FILE), read once per path. */
const caCertificates = new Map<string, readonly X509Certificate[]>();

export const loadCaCertificates = (caFile: string): readonly X509Certificate[] => {
  let loaded = caCertificates.get(caFile);
  if (!loaded) {
    const pem = readFileSync(caFile, 'utf8');
    loaded = (pem.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
    caCertificates.set(caFile, loaded);
  }

  return loaded;
};

/**
 * Whether `certificate` was issued and signed by one of `cas`, and both are
 * within their validity at `at`: what our own TLS listener checks against
 * TLS_CA_FILE, done for a certificate a proxy passed on (which presents the
 * leaf only, so the leaf's issuer must be in TLS_CA_FILE).
 */
export const chainsTo = (certificate: X509Certificate, cas: readonly X509Certificate[], at: Date): boolean =>
  isCertificateCurrent(certificate, at) &&
  cas.some((ca) => ca.ca && isCertificateCurrent(ca, at) && certificate.checkIssued(ca) && certificate.verify(ca.publicKey));

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The one certificate of a decoded header value: a PEM block, else bare base64 DER (Traefik drops the armour). */
const parseHeaderCertificate = (decoded: string): X509Certificate | null => {
  const pem = decoded.match(PEM_CERTIFICATE)?.[0];
  if (pem !== undefined) return new X509Certificate(pem);
  const bare = decoded.split(',')[0].replace(/\s+/g, '');

  return BASE64.test(bare) ? new X509Certificate(Buffer.from(bare, 'base64')) : null;
};

/**
 * The client certificate of a proxy header: URL-escaped PEM (nginx's
 * `$ssl_client_escaped_cert`, Envoy's `%DOWNSTREAM_PEER_CERT%`), or
 * URL-escaped base64 DER without the PEM armour (Traefik's
 * `passTLSClientCert` with `pem: true`); the first certificate when it
 * carries several. Undefined when it does not decode or parse — the request
 * then presents no certificate (invalid_client for a mutual-TLS client, never
 * a server error).
 */
export const certificateFromHeader = (
  value: string,
  options: { cas: readonly X509Certificate[]; at: Date },
): ClientCertificate | undefined => {
  if (value.length > MAX_HEADER_CERTIFICATE_LENGTH) return undefined;
  let certificate: X509Certificate | null;
  try {
    certificate = parseHeaderCertificate(decodeURIComponent(value));
  } catch {
    return undefined;
  }
  if (certificate === null) return undefined;

  return {
    pem: certificate.toString(),
    fingerprint256: certificate.fingerprint256,
    subject: certificate.subject,
    chainVerified: chainsTo(certificate, options.cas, options.at),
  };
};

/** The certificate the client presented in our own TLS handshake, if any (`chainVerified`: chains to TLS_CA_FILE). */
export const readSocketCertificate = (socket: IncomingMessage['socket']): ClientCertificate | undefined => {
  const tlsSocket = socket as TLSSocket;
  if (!tlsSocket.encrypted) return undefined;
  const certificate = tlsSocket.getPeerX509Certificate();
  if (!certificate) return undefined;

  return {
    pem: certificate.toString(),
    fingerprint256: certificate.fingerprint256,
    subject: certificate.subject,
    chainVerified: tlsSocket.authorized,
  };
};

/**
 * The client certificate of a request (mutual-TLS client authentication,
 * RFC 8705): our own TLS listener's, else — only when the connection comes
 * from one of TRUSTED_PROXY_ADDRESSES — the one in TRUSTED_PROXY_CERT_HEADER.
 * The header is never read from any other address, nor when our own
 * handshake already gave a certificate.
 */
export const readClientCertificate = (
  request: IncomingMessage,
  options: { trustedProxy: TrustedProxy | undefined; at: Date },
): ClientCertificate | undefined => {
  const own = readSocketCertificate(request.socket);
  const { trustedProxy } = options;
  if (own !== undefined || trustedProxy === undefined) return own;
  const address = request.socket.remoteAddress;
  if (address === undefined || !trustedProxy.addresses.has(normalizeAddress(address))) return undefined;
  const header = request.headers[trustedProxy.certHeader];
  if (typeof header !== 'string' || header === '') return undefined;

  return certificateFromHeader(header, {
    cas: trustedProxy.caFile === undefined ? [] : loadCaCertificates(trustedProxy.caFile),
    at: options.at,
  });
};

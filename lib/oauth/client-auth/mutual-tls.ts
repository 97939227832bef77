import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { IssuerKeysUnavailable } from '@/lib/ciba/trusted-issuer-keys';
import { clientHasKey } from '@/lib/clients/client-keys';
import type { ClientRecord } from '@/lib/clients/client-record';
import { isCertificateCurrent } from '@/lib/http/client-certificate';
import type { ClientCertificate } from '@/lib/http/protocol-http';
import type { ClientAuthenticator, ClientAuthRequest } from '@/lib/oauth/client-auth/client-authenticator';
import { subjectMatchesDn } from '@/lib/oauth/client-auth/distinguished-name';

/**
 * Whether a request presents mutual-TLS credentials (RFC 8705 §2): a
 * client_id in the form, a client certificate, and no other credentials. Both
 * mTLS methods look alike on the wire: the client's registered method decides
 * which one verifies (selectClientAuthMethods).
 */
const presentsCertificate = ({ authorization, params, clientCertificate }: ClientAuthRequest): boolean =>
  clientCertificate !== undefined &&
  params.has('client_id') &&
  authorization === undefined &&
  !params.has('client_secret') &&
  !params.has('client_assertion');

/** The X.509 certificate of a presented PEM, or null when it does not parse. */
const parseCertificate = (certificate: ClientCertificate): X509Certificate | null => {
  try {
    return new X509Certificate(certificate.pem);
  } catch {
    return null;
  }
};

/** A dummy DN that no certificate is checked against for real (an unknown client does the same work). */
const DUMMY_DN = 'CN=unknown client';

/**
 * `tls_client_auth` (RFC 8705 §2.1): the certificate chains to a CA we trust
 * (TLS_CA_FILE; `chainVerified`), is within its validity period at the
 * request's arrival, and its subject is the client's registered
 * `tls_client_auth_subject_dn` (RFC 4514, ./distinguished-name.ts).
 */
export const TLS_CLIENT_AUTH: ClientAuthenticator = {
  usesAuthorizationHeader: false,
  isPresented: presentsCertificate,
  read: ({ params, clientCertificate, receivedAt }) => ({
    clientId: params.get('client_id') ?? '',
    verify: (client: ClientRecord | null) => {
      const certificate = clientCertificate === undefined ? null : parseCertificate(clientCertificate);
      const registered = client?.tlsClientAuthSubjectDn ?? null;
      const subjectMatches = certificate !== null && subjectMatchesDn(certificate.subject, registered ?? DUMMY_DN);

      return (
        registered !== null &&
        subjectMatches &&
        clientCertificate?.chainVerified === true &&
        isCertificateCurrent(certificate, receivedAt)
      );
    },
  }),
};

/** Whether a registered JWK is the certificate's public key (a signing key, or one without `use`). */
const isKeyOf =
  (publicKey: KeyObject) =>
  (jwk: JWK): boolean => {
    if (jwk.use !== undefined && jwk.use !== 'sig') return false;
    try {
      return createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }).equals(publicKey);
    } catch {
      return false;
    }
  };

/**
 * `self_signed_tls_client_auth` (RFC 8705 §2.2): the certificate's public key
 * is one of the client's registered keys (`jwks`, or its `jwks_uri`'s set,
 * refetched at most once per cooldown when no key matches). The chain is not
 * validated; whoever holds a registered key's private half authenticates.
 */
export const SELF_SIGNED_TLS_CLIENT_AUTH: ClientAuthenticator = {
  usesAuthorizationHeader: false,
  isPresented: presentsCertificate,
  read: ({ params, clientCertificate, receivedAt }) => ({
    clientId: params.get('client_id') ?? '',
    verify: async (client: ClientRecord | null) => {
      const certificate = clientCertificate === undefined ? null : parseCertificate(clientCertificate);
      if (client === null || certificate === null) return false;
      try {
        return await clientHasKey(client, receivedAt, isKeyOf(certificate.publicKey));
      } catch (error) {
        if (error instanceof IssuerKeysUnavailable) return false;
        throw error;
      }
    },
  }),
};

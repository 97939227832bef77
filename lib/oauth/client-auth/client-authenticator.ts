import type { ClientRecord } from '@/lib/clients/client-record';
import type { ClientCertificate, FormParams } from '@/lib/http/protocol-http';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/**
 * Records the first use of a JWT id (ProtocolStore.claimJwtId): false for a
 * replay, decided atomically across instances.
 */
export type ClaimJwtId = ProtocolStore['claimJwtId'];

/**
 * What client authentication may look at: the Authorization header, the
 * parsed form, the TLS client certificate (our own listener's, or a trusted
 * proxy's header), and where and when the request arrived (the audiences a
 * client assertion may name, RFC 7523 §3 item 3; the time its exp is checked
 * against); and the store's record of used JWT ids, so that a client
 * assertion is accepted once (RFC 7523 §3 item 7).
 */
export type ClientAuthRequest = {
  authorization: string | undefined;
  params: FormParams;
  clientCertificate: ClientCertificate | undefined;
  /** The tenant's issuer identifier. */
  issuer: string;
  /** The absolute URL of the endpoint called (e.g. `<issuer>/oauth/token`). */
  endpointUrl: string;
  receivedAt: Date;
  claimJwtId: ClaimJwtId;
};

/** Credentials read from a request: the client they name, and how to check them against it. */
export type PresentedClientCredentials = {
  clientId: string;
  /**
   * Whether the credentials are valid for `client` (a client of the request's
   * tenant). For an unknown client (`null`) it must return false, doing the
   * same work where the method allows it (a secret is compared with a dummy),
   * so that response times do not tell which client identifiers exist.
   *
   * @throws invalid_client to give a more precise reason than `false`.
   */
  verify(client: ClientRecord | null): boolean | Promise<boolean>;
};

/**
 * One `token_endpoint_auth_method` (RFC 7591 §2, OIDC Core §9): how to tell
 * that a request uses it, and how to read and verify its credentials.
 * Registering a method in CLIENT_AUTHENTICATORS is all it takes to support it.
 */
export type ClientAuthenticator = {
  /**
   * True when the credentials travel in the Authorization header: a failed
   * authentication then repeats the scheme's challenge (RFC 6749 §5.2).
   */
  usesAuthorizationHeader: boolean;
  /** Whether the request carries this method's credentials (well-formed or not). */
  isPresented(request: ClientAuthRequest): boolean;
  /**
   * Reads the credentials of a request for which `isPresented` is true.
   *
   * @throws invalid_client when they are malformed; invalid_request when they contradict the form.
   */
  read(request: ClientAuthRequest): PresentedClientCredentials;
};

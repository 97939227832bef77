import type { ClientRecord } from '@/lib/clients/client-record';
import { parseFormBody, type FormParams, type ProtocolRequest } from '@/lib/http/protocol-http';
import { authenticateClient, type FindClient } from '@/lib/oauth/client-auth/authenticate-client';
import { findInProcessClient, type InProcessClientAuthentication } from '@/lib/oauth/client-auth/in-process-client';
import type { ProtocolStore } from '@/lib/store/protocol-store';
import { getEnv } from '@/lib/env';
import { issuerFor } from '@/lib/tenants/issuer';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

export type ReadAuthenticatedFormOptions = {
  tenant: Pick<TenantRecord, 'id' | 'slug'>;
  request: ProtocolRequest;
  /** Where a client assertion's jti is recorded as used (private_key_jwt, RFC 7523 §3 item 7). */
  store: Pick<ProtocolStore, 'claimJwtId'>;
  /** Only from an in-process caller (the console's Try it), never from an HTTP request: see InProcessClientAuthentication. */
  inProcess?: InProcessClientAuthentication;
};

/**
 * The first two steps of every client-authenticated endpoint (bc-authorize,
 * token, revocation, introspection): parse the form, then authenticate the client against it — or, for
 * an in-process caller that vouches for the client, find that client in the
 * tenant (one property test on the options; the HTTP path does nothing more).
 *
 * @throws invalid_request for a malformed form; see authenticateClient.
 */
export const readAuthenticatedForm = async (
  findClient: FindClient,
  options: ReadAuthenticatedFormOptions,
): Promise<{ params: FormParams; client: ClientRecord }> => {
  const params = parseFormBody(options.request);
  const client =
    options.inProcess === undefined
      ? await authenticateClient(findClient, {
          tenantId: options.tenant.id,
          authorization: options.request.headers.authorization,
          params,
          clientCertificate: options.request.clientCertificate,
          issuer: issuerFor(options.tenant.slug),
          endpointUrl: `${getEnv().appUrl}${options.request.path}`,
          receivedAt: options.request.receivedAt,
          claimJwtId: (use) => options.store.claimJwtId(use),
        })
      : await findInProcessClient(findClient, { tenantId: options.tenant.id, inProcess: options.inProcess });

  return { params, client };
};

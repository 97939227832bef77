import type { ClientRecord } from '@/lib/clients/client-record';
import { parseFormBody, type FormParams, type ProtocolRequest } from '@/lib/http/protocol-http';
import { authenticateClient, type FindClient } from '@/lib/oauth/client-auth/authenticate-client';

export type ReadAuthenticatedFormOptions = { tenantId: string; request: ProtocolRequest };

/**
 * The first two steps of every client-authenticated endpoint (bc-authorize,
 * token): parse the form, then authenticate the client against it.
 *
 * @throws invalid_request for a malformed form; see authenticateClient.
 */
export const readAuthenticatedForm = async (
  findClient: FindClient,
  options: ReadAuthenticatedFormOptions,
): Promise<{ params: FormParams; client: ClientRecord }> => {
  const params = parseFormBody(options.request);
  const client = await authenticateClient(findClient, {
    tenantId: options.tenantId,
    authorization: options.request.headers.authorization,
    params,
  });

  return { params, client };
};

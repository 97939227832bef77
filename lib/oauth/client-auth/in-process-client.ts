import type { ClientRecord } from '@/lib/clients/client-record';
import type { Actor } from '@/lib/events/event-types';
import type { FindClient } from '@/lib/oauth/client-auth/authenticate-client';
import { invalidClient } from '@/lib/oauth/errors';

/**
 * A client presented as already authenticated by an in-process caller: the
 * console's Try it, where the administrator's session (checked next to the
 * data in lib/admin) stands in for the client's credentials, which are
 * stored only as hashes. It is never read from a request. The protocol
 * router passes it down only from `handleInProcessProtocolRequest`, which no
 * HTTP adapter calls, so a request over the network always authenticates
 * with its client's registered method (CIBA §7.2 step 1). Every other rule
 * of the endpoint runs unchanged.
 */
export type InProcessClientAuthentication = {
  /** The OAuth client_id; it must be a client of the request's tenant. */
  clientId: string;
  /** The administrator vouching for the client: recorded as `started_by` in the request's `ciba_start_succeeded` event. */
  vouchedBy: Actor;
};

/**
 * The client an in-process caller vouches for, within one tenant.
 *
 * @throws invalid_client for an unknown client or one of another tenant.
 */
export const findInProcessClient = async (
  findClient: FindClient,
  { tenantId, inProcess }: { tenantId: string; inProcess: InProcessClientAuthentication },
): Promise<ClientRecord> => {
  const unsafeClient = await findClient(inProcess.clientId);
  if (!unsafeClient || unsafeClient.tenantId !== tenantId) {
    throw invalidClient('unknown client (in-process)', { basicAttempted: false });
  }

  return unsafeClient;
};

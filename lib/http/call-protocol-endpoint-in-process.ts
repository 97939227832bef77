import { randomUUID } from 'node:crypto';
import { handleInProcessProtocolRequest } from '@/lib/http/protocol-router';
import type { InProcessClientAuthentication } from '@/lib/oauth/client-auth';

/** The endpoints an in-process caller may use: the two that authenticate a client. */
export type InProcessEndpoint = 'bc-authorize' | 'oauth/token';

export type InProcessProtocolCall = {
  tenantSlug: string;
  endpoint: InProcessEndpoint;
  /** The form parameters, exactly as a relying party would send them (no client credentials). */
  params: Readonly<Record<string, string>>;
  inProcess: InProcessClientAuthentication;
};

export type InProcessProtocolAnswer = { status: number; body: Record<string, unknown> };

/**
 * Sends a form POST to a protocol endpoint of `tenantSlug` through the
 * protocol router, in-process, for a client an administrator vouches for
 * (InProcessClientAuthentication): the request is parsed, validated,
 * stored, logged and answered by the same code as one arriving over HTTP.
 * Resolves with the status and the parsed JSON answer (an OAuth error is an
 * answer, not an exception).
 */
export const callProtocolEndpointInProcess = async ({
  tenantSlug,
  endpoint,
  params,
  inProcess,
}: InProcessProtocolCall): Promise<InProcessProtocolAnswer> => {
  const response = await handleInProcessProtocolRequest(
    {
      method: 'POST',
      path: `/t/${tenantSlug}/${endpoint}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(new URLSearchParams(params).toString()),
      receivedAt: new Date(),
      requestId: randomUUID(),
    },
    inProcess,
  );

  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
};

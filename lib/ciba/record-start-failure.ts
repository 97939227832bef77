import { buildEvent } from '@/lib/events/build-event';
import type { Actor, AgentDetail, EventDetails } from '@/lib/events/event-types';
import { log } from '@/lib/log';
import type { OAuthError } from '@/lib/oauth/errors';
import type { ProtocolStore } from '@/lib/store/protocol-store';

export type StartFailure = {
  tenantId: string;
  /** The authenticated client's database id. */
  clientId: string;
  /** The user the hint resolved to, when it got that far. */
  userId: string | null;
  error: OAuthError;
  at: Date;
  /** The administrator who started it from the console (Try it); absent for a client's own request. */
  startedBy?: Actor;
  /** The agent of a verified actor_token, when verification got that far. */
  agent?: AgentDetail | null;
};

/**
 * Records bc-authorize's refusal of an authenticated client's request as a
 * `ciba_start_failed` event (Auth0's name): the OAuth error code, its public
 * description and its private detail — never the hint or a secret. Only for
 * a known client: a refusal before client authentication writes nothing, so
 * strangers cannot write rows. Never throws: a failed write is logged and the
 * client still gets the refusal it would have got.
 */
export const recordStartFailure = async (
  store: Pick<ProtocolStore, 'recordEvent'>,
  { tenantId, clientId, userId, error, at, startedBy, agent }: StartFailure,
): Promise<void> => {
  const detail: EventDetails['ciba_start_failed'] = {
    error: error.error,
    error_description: error.description || null,
    reason: error.detail ?? null,
  };
  if (startedBy !== undefined) detail.started_by = startedBy;
  if (agent) detail.agent = agent;
  try {
    await store.recordEvent(buildEvent('ciba_start_failed', { tenantId, clientId, userId }, detail, at));
  } catch (writeError) {
    log.error({ err: writeError, tenantId, error: error.error }, 'could not record a ciba_start_failed event');
  }
};

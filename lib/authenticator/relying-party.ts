import { getEnv } from '@/lib/env';

/**
 * The WebAuthn relying party (WebAuthn §5.1.2, §13.4.9): the origin of APP_URL
 * and its host name as the RP ID. Passkeys are scoped to it, so APP_URL must
 * not change once users have enrolled (a different host is a different RP).
 */
export const relyingParty = (): { origin: string; rpId: string; name: string } => {
  const url = new URL(getEnv().appUrl);

  return { origin: url.origin, rpId: url.hostname, name: 'Backchannel' };
};

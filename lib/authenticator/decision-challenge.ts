import { sha256Base64Url } from '@/lib/oauth/crypto';

export type DecisionChallengeInput = {
  requestId: string;
  decision: 'approve' | 'deny';
  /** What the user was shown: the binding message (CIBA §7.1), or null. */
  bindingMessage: string | null;
  /** RFC 9396: the authorization_details as stored on the request (a JSON array), or null. */
  authorizationDetails: string | null;
  /** An approval's chosen items (indexes into authorization_details), sorted; null for all or none. */
  grantedItems: readonly number[] | null;
};

/**
 * The WebAuthn challenge (WebAuthn §13.4.3) of one decision on one request:
 * SHA-256, base64url, over the request id, the decision, and everything the
 * user was shown and chose. It is derived, never stored: the server recomputes
 * it from the request when verifying, so an assertion made to approve one
 * request can neither approve another, nor deny this one, nor approve other
 * items or a changed binding message. A replay finds the request decided
 * (completeBackchannelRequest: the first decision wins).
 */
export const decisionChallenge = (input: DecisionChallengeInput): string =>
  sha256Base64Url(
    JSON.stringify([
      'backchannel-decision-v1',
      input.requestId,
      input.decision,
      input.bindingMessage,
      input.authorizationDetails,
      input.grantedItems === null ? null : [...input.grantedItems].sort((a, b) => a - b),
    ]),
  );

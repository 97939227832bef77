import type { DecisionChallengeInput } from '@/lib/authenticator/decision-challenge';

const toBase64Url = (bytes: ArrayBuffer): string => {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);

  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/**
 * decisionChallenge (lib/authenticator/decision-challenge.ts) computed in the
 * browser with Web Crypto: the same pre-image, SHA-256, base64url. The
 * approval page needs it there because the challenge covers the items the
 * user ticks; the server never trusts it — it recomputes the challenge from
 * the stored request (decision-challenge-browser.test.ts proves both agree).
 */
export const decisionChallengeInBrowser = async (input: DecisionChallengeInput): Promise<string> => {
  const preimage = JSON.stringify([
    'backchannel-decision-v1',
    input.requestId,
    input.decision,
    input.bindingMessage,
    input.authorizationDetails,
    input.grantedItems === null ? null : [...input.grantedItems].sort((a, b) => a - b),
  ]);

  return toBase64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(preimage)));
};

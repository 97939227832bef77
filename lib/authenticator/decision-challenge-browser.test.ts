import { describe, expect, it } from 'vitest';
import { decisionChallenge, type DecisionChallengeInput } from '@/lib/authenticator/decision-challenge';
import { decisionChallengeInBrowser } from '@/lib/authenticator/decision-challenge-browser';

const CASES: DecisionChallengeInput[] = [
  { requestId: 'r-1', decision: 'approve', bindingMessage: null, authorizationDetails: null, grantedItems: null },
  { requestId: 'r-1', decision: 'deny', bindingMessage: 'W4SCT', authorizationDetails: null, grantedItems: null },
  {
    requestId: '01JABCDEF',
    decision: 'approve',
    bindingMessage: 'Zahlung ✓ «€ 250» "quoted" \\ back',
    authorizationDetails: '[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"250.00"}}]',
    grantedItems: [2, 0],
  },
];

describe('decisionChallengeInBrowser', () => {
  it.each(CASES)('equals the server’s decisionChallenge (%#)', async (input) => {
    expect(await decisionChallengeInBrowser(input)).toBe(decisionChallenge(input));
  });

  it('differs for another decision, request, or item choice', async () => {
    const base = CASES[2];
    const challenges = await Promise.all([
      decisionChallengeInBrowser(base),
      decisionChallengeInBrowser({ ...base, decision: 'deny' }),
      decisionChallengeInBrowser({ ...base, requestId: 'other' }),
      decisionChallengeInBrowser({ ...base, grantedItems: [0] }),
    ]);
    expect(new Set(challenges).size).toBe(4);
  });
});

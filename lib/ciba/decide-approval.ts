import type { AuthenticationResponseJSON } from '@simplewebauthn/types';
import { decisionChallenge } from '@/lib/authenticator/decision-challenge';
import { verifyDecisionAssertion, type DecisionAssertionResult } from '@/lib/authenticator/verify-decision-assertion';
import { findApprovalByToken } from '@/lib/ciba/approval-page-data';
import { selectGrantedItems } from '@/lib/ciba/approval-items';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { passkeyStepOfApproval } from '@/lib/ciba/passkey-step';
import { getDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { isSameOriginPost, verifyCsrfToken } from '@/lib/security/csrf';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** CSRF purpose for the approval form; the binding is the link's tokenHash. */
export const APPROVAL_CSRF_PURPOSE = 'ciba-approval';

/** What the decision handler tells the user (the `outcome` of the done page). */
export const APPROVAL_OUTCOMES = ['approved', 'denied', 'invalid', 'expired', 'used', 'nothing_selected'] as const;
export type ApprovalOutcome = (typeof APPROVAL_OUTCOMES)[number];

/**
 * Why an approval that needs the user's passkey (lib/ciba/passkey-step.ts)
 * was not made: no assertion came with the form (or not one we can read);
 * the passkey is not one of this user's enrolled devices (or was revoked);
 * the assertion did not verify (made for another request, decision or choice
 * of items, without user verification, or for another site); the signature
 * counter went back; or the user has no enrolled device left at all. Nothing
 * changed: the link stays usable (the page shows why, from `?passkey=`).
 */
export const PASSKEY_FAILURES = ['missing', 'unknown_device', 'invalid_assertion', 'counter_mismatch', 'no_device'] as const;
export type PasskeyFailure = (typeof PASSKEY_FAILURES)[number];

export type DecideApprovalInput = {
  tenantSlug: string;
  token: string;
  /** Raw form value; anything but "approve" or "deny" is invalid. */
  decision: unknown;
  /** Raw form value of `csrf_token`. */
  csrfToken: unknown;
  /**
   * The `item` values of the form (RFC 9396: the indexes of the ticked
   * authorization_details items); ignored for a request without items and for a denial.
   */
  items?: readonly string[];
  /**
   * Raw form value of `passkey_assertion`: the WebAuthn AuthenticationResponseJSON
   * (@simplewebauthn/browser startAuthentication) over the decision's challenge,
   * when the approval needs the passkey; ignored otherwise and for a denial.
   */
  passkeyAssertion?: unknown;
  headers: Pick<Headers, 'get'>;
  now?: Date;
};

export type DecideApprovalResult =
  | {
      outcome: ApprovalOutcome;
      /** Why an invalid outcome was chosen (for logs, never shown verbatim to the user). */
      detail?: string;
    }
  | { outcome: 'passkey_failed'; passkeyFailure: PasskeyFailure };

/** Verifies a decision's assertion (verifyDecisionAssertion on the process's database, unless a test gives another). */
export type VerifyPasskey = (
  options: Omit<Parameters<typeof verifyDecisionAssertion>[1], 'now'> & { now: Date },
) => Promise<DecisionAssertionResult>;

const verifyWithDatabase: VerifyPasskey = (options) => verifyDecisionAssertion(getDb(), options);

/** The form's `passkey_assertion` as an AuthenticationResponseJSON, or null (absent, not JSON, not that shape). */
const readAssertion = (value: unknown): AuthenticationResponseJSON | null => {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const parsed = JSON.parse(value) as Partial<AuthenticationResponseJSON> | null;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.id !== 'string') return null;
    if (typeof parsed.response !== 'object' || parsed.response === null) return null;

    return parsed as AuthenticationResponseJSON;
  } catch {
    return null;
  }
};

const isDecision = (value: unknown): value is 'approve' | 'deny' => value === 'approve' || value === 'deny';

const invalid = (detail: string): DecideApprovalResult => ({ outcome: 'invalid', detail });

/**
 * Handles a POST from the approval page: same-origin and CSRF checks, then
 * the link lookup, then — for an approval that needs the user's passkey
 * (the request's acr is ACR_PASSKEY, or the tenant's or client's policy
 * applies: lib/ciba/passkey-step.ts) — the WebAuthn assertion, verified
 * against the challenge recomputed from the stored request, the decision and
 * the items granted (decisionChallenge), then the atomic completion (which
 * also consumes the link). Every answer is an outcome; it never throws for
 * bad input. A missing or refused assertion changes nothing (`passkey_failed`).
 *
 * A denial never needs the passkey: it grants nothing (the safe direction),
 * completeBackchannelRequest accepts it at every level, and a user who lost
 * their device must still be able to refuse a request they did not start.
 * Someone holding the link can deny, as before — never approve.
 */
export const decideApproval = async (
  store: ProtocolStore,
  input: DecideApprovalInput,
  verifyPasskey: VerifyPasskey = verifyWithDatabase,
): Promise<DecideApprovalResult> => {
  const { tenantSlug, token, decision, csrfToken, headers } = input;
  const now = input.now ?? new Date();
  if (!isDecision(decision)) return invalid('missing or unknown decision');
  if (!isSameOriginPost(headers, getEnv().appUrl)) return invalid('cross-origin POST');
  if (!verifyCsrfToken(APPROVAL_CSRF_PURPOSE, sha256Base64Url(token), csrfToken)) return invalid('bad CSRF token');

  const approval = await findApprovalByToken(store, tenantSlug, token, now);
  switch (approval.state) {
    case 'unknown':
      return invalid('unknown link');
    case 'used':
    case 'decided':
      return { outcome: 'used' };
    case 'expired':
      return { outcome: 'expired' };
    case 'valid':
      break;
  }

  // RFC 9396: the user grants the items they ticked (and those that may not be left out); at least one.
  let grantedAuthorizationDetails: string | undefined;
  let grantedItems: number[] | null = null;
  if (decision === 'approve' && approval.items.length > 0) {
    const selection = selectGrantedItems(approval.items, input.items ?? []);
    if (!selection.ok) {
      return selection.reason === 'nothing_selected'
        ? { outcome: 'nothing_selected' }
        : invalid('unknown authorization_details item');
    }
    grantedItems = selection.granted;
    grantedAuthorizationDetails = JSON.stringify(selection.granted.map((index) => approval.authorizationDetails[index]));
  }

  let passkey: { deviceId: string } | undefined;
  if (decision === 'approve') {
    const step = await passkeyStepOfApproval(store, approval);
    if (step.required) {
      if (step.credentials.length === 0) return { outcome: 'passkey_failed', passkeyFailure: 'no_device' };
      const response = readAssertion(input.passkeyAssertion);
      if (response === null) return { outcome: 'passkey_failed', passkeyFailure: 'missing' };
      // Recomputed from the stored request: an assertion made for another request, decision or choice cannot match.
      const expectedChallenge = decisionChallenge({
        requestId: approval.request.id,
        decision,
        bindingMessage: approval.request.bindingMessage,
        authorizationDetails: approval.request.storedAuthorizationDetails,
        grantedItems,
      });
      const verified = await verifyPasskey({
        tenantId: approval.tenant.id,
        userId: approval.user.id,
        response,
        expectedChallenge,
        now,
      });
      if (!verified.ok) return { outcome: 'passkey_failed', passkeyFailure: verified.reason };
      passkey = { deviceId: verified.deviceId };
    }
  }

  const result = await completeBackchannelRequest(store, {
    requestId: approval.request.id,
    decision,
    approvalLinkId: approval.link.id,
    grantedAuthorizationDetails,
    passkey,
    actor: { kind: 'user', channel: 'email' },
    now,
  });
  if (result.ok) return { outcome: decision === 'approve' ? 'approved' : 'denied' };
  switch (result.reason) {
    case 'expired':
    case 'not_expired':
      return { outcome: 'expired' };
    case 'already_decided':
    case 'link_used':
      return { outcome: 'used' };
    case 'not_found':
      return invalid('request vanished');
    case 'passkey_required':
      // The request moved to the passkey level under us (not reachable through this page): ask for the passkey.
      return { outcome: 'passkey_failed', passkeyFailure: 'missing' };
  }
};

import { findApprovalByToken } from '@/lib/ciba/approval-page-data';
import { selectGrantedItems } from '@/lib/ciba/approval-items';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { getEnv } from '@/lib/env';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { isSameOriginPost, verifyCsrfToken } from '@/lib/security/csrf';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** CSRF purpose for the approval form; the binding is the link's tokenHash. */
export const APPROVAL_CSRF_PURPOSE = 'ciba-approval';

/** What the decision handler tells the user (the `outcome` of the done page). */
export const APPROVAL_OUTCOMES = ['approved', 'denied', 'invalid', 'expired', 'used', 'nothing_selected'] as const;
export type ApprovalOutcome = (typeof APPROVAL_OUTCOMES)[number];

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
  headers: Pick<Headers, 'get'>;
  now?: Date;
};

export type DecideApprovalResult = {
  outcome: ApprovalOutcome;
  /** Why an invalid outcome was chosen (for logs, never shown verbatim to the user). */
  detail?: string;
};

const isDecision = (value: unknown): value is 'approve' | 'deny' => value === 'approve' || value === 'deny';

const invalid = (detail: string): DecideApprovalResult => ({ outcome: 'invalid', detail });

/**
 * Handles a POST from the approval page: same-origin and CSRF checks, then
 * the link lookup, then the atomic completion (which also consumes the
 * link). Every answer is an outcome; it never throws for bad input.
 */
export const decideApproval = async (store: ProtocolStore, input: DecideApprovalInput): Promise<DecideApprovalResult> => {
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
  if (decision === 'approve' && approval.items.length > 0) {
    const selection = selectGrantedItems(approval.items, input.items ?? []);
    if (!selection.ok) {
      return selection.reason === 'nothing_selected'
        ? { outcome: 'nothing_selected' }
        : invalid('unknown authorization_details item');
    }
    grantedAuthorizationDetails = JSON.stringify(selection.granted.map((index) => approval.authorizationDetails[index]));
  }

  const result = await completeBackchannelRequest(store, {
    requestId: approval.request.id,
    decision,
    approvalLinkId: approval.link.id,
    grantedAuthorizationDetails,
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
      return invalid('the request asks for the passkey level');
  }
};

import { toAuthorizationTypeSet, type AuthorizationTypeSet } from '@/lib/oauth/authorization-details/authorization-type-record';
import {
  renderAuthorizationDetail,
  summarizeAuthorizationDetails,
  type DisplayedItem,
} from '@/lib/oauth/authorization-details/display-template';
import type { AuthorizationDetail } from '@/lib/oauth/authorization-details/parse-authorization-details';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/**
 * One requested authorization_details item as the user decides on it (RFC
 * 9396 §2): shown through its type's template; `optional` when the type lets
 * the user leave it out (partial approval), otherwise always granted with
 * the approval.
 */
export type ApprovalItem = { index: number; type: string; optional: boolean; display: DisplayedItem };

/** The stored JSON array of a request's authorization_details (validated at bc-authorize). */
export const parseStoredAuthorizationDetails = (stored: string | null): AuthorizationDetail[] =>
  stored === null ? [] : (JSON.parse(stored) as AuthorizationDetail[]);

/**
 * The items of a request with their display and whether each may be left
 * out, from the tenant's types as they are now. A type deleted since the
 * request is shown generically and may not be left out.
 */
export const describeApprovalItems = (details: readonly AuthorizationDetail[], types: AuthorizationTypeSet): ApprovalItem[] =>
  details.map((item, index) => {
    const type = types.get(item.type);

    return { index, type: item.type, optional: type?.partialApproval ?? false, display: renderAuthorizationDetail(item, type) };
  });

/** A request's items, reading the tenant's types only when it has any. */
export const loadApprovalItems = async (
  store: Pick<ProtocolStore, 'listAuthorizationTypes'>,
  tenantId: string,
  stored: string | null,
): Promise<ApprovalItem[]> => {
  const details = parseStoredAuthorizationDetails(stored);
  if (details.length === 0) return [];

  return describeApprovalItems(details, toAuthorizationTypeSet(await store.listAuthorizationTypes(tenantId)));
};

/** The email's line about the items (`2 items: Payment of EUR 250.00 to …1234; Account information`), null without items. */
export const summarizeApprovalItems = (items: readonly ApprovalItem[]): string | null =>
  items.length === 0 ? null : summarizeAuthorizationDetails(items.map((item) => item.display));

const INDEX = /^(0|[1-9]\d{0,3})$/;

/**
 * Which items an approval grants, from the approval form's `item` values
 * (the indexes of the ticked items): every item that may not be left out,
 * plus each optional item ticked. Refused (nothing is granted) for a value
 * that is not the index of an item, for an index given twice, and when
 * nothing would remain to grant.
 */
export const selectGrantedItems = (
  items: readonly ApprovalItem[],
  selected: readonly string[],
): { ok: true; granted: number[] } | { ok: false; reason: 'unknown_item' | 'nothing_selected' } => {
  const chosen = new Set<number>();
  for (const value of selected) {
    if (!INDEX.test(value)) return { ok: false, reason: 'unknown_item' };
    const index = Number(value);
    if (index >= items.length || chosen.has(index)) return { ok: false, reason: 'unknown_item' };
    chosen.add(index);
  }
  const granted = items.filter((item) => !item.optional || chosen.has(item.index)).map((item) => item.index);
  if (granted.length === 0) return { ok: false, reason: 'nothing_selected' };

  return { ok: true, granted };
};

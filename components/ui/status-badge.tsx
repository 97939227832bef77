// The badge for a backchannel authentication request's status (the store's lower-case status values).
import { Badge, type BadgeTone } from './badge';

export type RequestStatus = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired' | 'redeemed';

const STATUSES: Record<RequestStatus, { tone: BadgeTone; label: string }> = {
  pending: { tone: 'amber', label: 'Pending' },
  approved: { tone: 'green', label: 'Approved' },
  denied: { tone: 'red', label: 'Denied' },
  cancelled: { tone: 'neutral', label: 'Cancelled' },
  expired: { tone: 'neutral', label: 'Expired' },
  redeemed: { tone: 'indigo', label: 'Redeemed' },
};

const isRequestStatus = (value: string): value is RequestStatus => Object.hasOwn(STATUSES, value);

export type StatusBadgeProps = {
  /** A request status; an unknown value is shown as-is in the neutral tone. */
  status: RequestStatus | (string & {});
  className?: string;
};

export function StatusBadge({ status, className }: StatusBadgeProps) {
  const { tone, label } = isRequestStatus(status) ? STATUSES[status] : { tone: 'neutral' as const, label: status };

  return (
    <Badge tone={tone} dot className={className}>
      {label}
    </Badge>
  );
}

// The live monitor's packed snapshot: what the browser unpacks is exactly what the server read.
import { describe, expect, it } from 'vitest';
import type { LiveRequestsSnapshot } from '@/lib/admin/list-live-requests';
import type { LiveRequestView } from '@/lib/admin/live-request-view';
import { packLiveSnapshot, unpackLiveSnapshot } from '@/lib/admin/live-snapshot-wire';

const view = (i: number, overrides: Partial<LiveRequestView> = {}): LiveRequestView => ({
  id: `0193c0de-0000-7000-8000-${String(i).padStart(12, '0')}`,
  status: 'pending',
  client_id: `client-${i % 3}`,
  client_name: `Desk ${i % 3}`,
  user: { id: `user-${i % 7}`, email: `u${i % 7}@example.com` },
  scope: 'openid email',
  binding_message: `BM ${i}`,
  created_at: new Date(Date.UTC(2026, 11, 1, 12, 0, 0, i)).toISOString(),
  expires_at: new Date(Date.UTC(2026, 11, 1, 12, 5, 0, i)).toISOString(),
  decided_at: null,
  poll_count: i % 4,
  last_polled_at: i % 4 === 0 ? null : new Date(Date.UTC(2026, 11, 1, 12, 1, 0, i)).toISOString(),
  delivery: { status: 'sent', attempts: 1, error: null },
  agent:
    i % 5 === 0
      ? { iss: 'https://agents.example', sub: `agent-${i}`, name: i % 10 === 0 ? 'Copilot' : null, acting_for: null }
      : null,
  ...overrides,
});

describe('packed live snapshot', () => {
  const snapshot: LiveRequestsSnapshot = {
    pending: Array.from({ length: 200 }, (_, i) => view(i)),
    pending_truncated: true,
    recent: [
      view(1000, { status: 'denied', decided_at: '2026-12-01T12:02:00.123Z', binding_message: null }),
      view(1001, { status: 'expired', delivery: { status: 'failed', attempts: 5, error: 'mailbox unavailable' } }),
      view(1002, { status: 'approved', delivery: { status: 'none', attempts: 0, error: null } }),
    ],
    resume_after: '0193c0de-0000-7000-8000-000000000000',
  };

  it('unpacks to exactly the views packed', () => {
    expect(unpackLiveSnapshot(packLiveSnapshot(snapshot))).toEqual(snapshot);
  });

  it('survives the page (JSON) and lists each application and user once', () => {
    const packed = JSON.parse(JSON.stringify(packLiveSnapshot(snapshot))) as ReturnType<typeof packLiveSnapshot>;
    expect(packed.clients).toHaveLength(3);
    expect(packed.users).toHaveLength(7);
    expect(unpackLiveSnapshot(packed)).toEqual(snapshot);
  });

  it('weighs well under half of the views as JSON', () => {
    expect(JSON.stringify(packLiveSnapshot(snapshot)).length).toBeLessThan(JSON.stringify(snapshot).length / 2);
  });
});

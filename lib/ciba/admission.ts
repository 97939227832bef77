import { getMetrics } from '@/lib/metrics/registry';
import { agentRateLimited, tenantRateLimited, userRateLimited, type OAuthError } from '@/lib/oauth/errors';
import type { AdmissionLimits, AdmissionOutcome, AdmissionState, AgentKey, ProtocolStore } from '@/lib/store/protocol-store';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/**
 * bc-authorize's abuse limits (CIBA §14 unsolicited requests; Auth0's
 * defaults: 5 requests per minute per user, 500 per minute per tenant, 5,000
 * pending): the tenant's settings, each 0 for none.
 *
 * - Per agent (a request with a verified actor_token: its issuer and sub,
 *   within the tenant): counted as the user's, after it, so the agent's
 *   limit and the user's each hold alone; a request without one is never
 *   counted for an agent.
 * - Per user and per tenant: FIXED one-minute windows, each opened by the
 *   first request after the previous one closed (not aligned to the clock).
 *   A refusal's Retry-After is the time until the window closes. Fixed, not
 *   sliding: one counter row each, one conditional upsert, no per-request
 *   log; the price is that up to twice the limit can pass within a minute
 *   that straddles two windows.
 * - Outstanding requests (not yet redeemed, denied, cancelled or expired —
 *   an approved request still awaits redemption): a counter of admitted
 *   requests minus the released ones, never a count of rows, so the check
 *   costs the same at 10 or 10,000 outstanding. A request past its expiry
 *   counts until the expiry sweep marks it expired. Retry-After: the time
 *   until the earliest outstanding request expires.
 *
 * Every count is made in the database by conditional upserts (see queries.ts,
 * Admission), so the limits hold exactly across any number of instances
 * sharing it; a refused request writes no request, link or outbox row.
 */
export const ADMISSION_WINDOW_MS = 60_000;

export const admissionLimitsOf = (tenant: TenantRecord): AdmissionLimits => ({
  userLimit: tenant.rateLimitPerUser,
  agentLimit: tenant.rateLimitPerAgent,
  tenantLimit: tenant.rateLimitPerTenant,
  maxOutstanding: tenant.maxPendingRequests,
  windowMs: ADMISSION_WINDOW_MS,
});

/** Whole seconds from `now` to `until`, at least 1 (a Retry-After of 0 invites an immediate retry). */
const secondsUntil = (until: number, now: Date): number => Math.max(1, Math.ceil((until - now.getTime()) / 1000));

/** Seconds until the window that started at `windowStart` closes. */
const untilWindowCloses = (windowStart: Date | undefined, now: Date): number =>
  secondsUntil((windowStart?.getTime() ?? now.getTime()) + ADMISSION_WINDOW_MS, now);

/**
 * The refusal for an outcome, from the counters as they are now (contract.md,
 * Rate limit refusals): 429 `access_denied` for the user's or the agent's limit,
 * 429 `temporarily_unavailable` for the tenant's rate or outstanding cap,
 * each with Retry-After.
 */
export const refusalOf = (
  outcome: Exclude<AdmissionOutcome, 'admitted'>,
  { state, limits, now }: { state: AdmissionState; limits: AdmissionLimits; now: Date },
): OAuthError => {
  if (outcome === 'user_limit') return userRateLimited(untilWindowCloses(state.userWindow?.windowStart, now));
  if (outcome === 'agent_limit') return agentRateLimited(untilWindowCloses(state.agentWindow?.windowStart, now));
  const window = state.tenantUsage;
  const windowOpen = window !== null && window.windowStart.getTime() + ADMISSION_WINDOW_MS > now.getTime();
  if (limits.tenantLimit > 0 && windowOpen && window.windowCount >= limits.tenantLimit) {
    return tenantRateLimited(untilWindowCloses(window.windowStart, now), `tenant limit of ${limits.tenantLimit} per minute`);
  }
  const freedAt = state.earliestExpiry?.getTime() ?? now.getTime();

  return tenantRateLimited(secondsUntil(freedAt, now), `tenant cap of ${limits.maxOutstanding} outstanding requests`);
};

/** Reads the counters behind a refusal and builds it. */
export const readRefusal = async (
  store: Pick<ProtocolStore, 'readAdmissionState'>,
  options: {
    outcome: Exclude<AdmissionOutcome, 'admitted'>;
    tenantId: string;
    userId: string;
    agent?: AgentKey | null;
    limits: AdmissionLimits;
    now: Date;
  },
): Promise<OAuthError> => {
  const { outcome, tenantId, userId, agent, limits, now } = options;
  // Counted by the limit reached (user_limit, agent_limit, tenant_limit: the tenant's rate or its cap of outstanding requests).
  getMetrics().recordRateLimitRefusal(outcome);
  const state = await store.readAdmissionState({ tenantId, userId, agent });

  return refusalOf(outcome, { state, limits, now });
};

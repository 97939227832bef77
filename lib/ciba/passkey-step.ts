import { ACR_PASSKEY } from '@/lib/ciba/constants';
import type { AuthenticatorCredentialRow, ProtocolStore } from '@/lib/store/protocol-store';

/**
 * Why the emailed approval page asks for the user's passkey: the client asked
 * for the passkey level (acr_values, CIBA §7.1), or the tenant's or the
 * client's policy (requirePasskeyApproval) requires it of users who enrolled one.
 */
export type PasskeyReason = 'acr' | 'tenant_policy' | 'client_policy';

/**
 * The passkey step of one approval: not needed, or needed with the user's
 * enrolled credentials (WebAuthn allowCredentials). At the passkey level the
 * step is needed even when no device is left (revoked since bc-authorize):
 * the request can then only be denied.
 */
export type PasskeyStep =
  { required: false } | { required: true; reason: PasskeyReason; credentials: AuthenticatorCredentialRow[] };

/**
 * Whether approving on the emailed page needs a passkey assertion
 * (lib/ciba/decide-approval.ts checks it; the page asks for it). The devices
 * are read only when the request is at the passkey level or a policy is on.
 * A policy applies only to users with at least one enrolled device: a user
 * without one approves with the link alone, as before the policy.
 */
export const passkeyStepFor = async (
  store: Pick<ProtocolStore, 'listAuthenticatorCredentials'>,
  approval: {
    acr: string | null;
    tenantRequiresPasskey: boolean;
    clientRequiresPasskey: boolean;
    tenantId: string;
    userId: string;
  },
): Promise<PasskeyStep> => {
  const reason: PasskeyReason | null =
    approval.acr === ACR_PASSKEY
      ? 'acr'
      : approval.tenantRequiresPasskey
        ? 'tenant_policy'
        : approval.clientRequiresPasskey
          ? 'client_policy'
          : null;
  if (reason === null) return { required: false };
  const credentials = await store.listAuthenticatorCredentials(approval.tenantId, approval.userId);
  if (reason !== 'acr' && credentials.length === 0) return { required: false };

  return { required: true, reason, credentials };
};

/** The passkey step of a valid approval link (the page and its POST handler decide with the same rule). */
export const passkeyStepOfApproval = (
  store: Pick<ProtocolStore, 'listAuthenticatorCredentials'>,
  approval: {
    request: { acr: string | null };
    passkeyPolicy: { tenant: boolean; client: boolean };
    tenant: { id: string };
    user: { id: string };
  },
): Promise<PasskeyStep> =>
  passkeyStepFor(store, {
    acr: approval.request.acr,
    tenantRequiresPasskey: approval.passkeyPolicy.tenant,
    clientRequiresPasskey: approval.passkeyPolicy.client,
    tenantId: approval.tenant.id,
    userId: approval.user.id,
  });

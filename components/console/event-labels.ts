// How the console names event types and actors. Unknown types are shown as they are.

const EVENT_LABELS: Record<string, string> = {
  ciba_start_succeeded: 'Request started',
  ciba_start_failed: 'Request refused',
  ciba_notification_sent: 'Notification sent',
  ciba_notification_failed: 'Notification failed',
  ciba_callback_delivered: 'Callback delivered',
  ciba_callback_failed: 'Callback failed',
  ciba_link_opened: 'Approval link opened',
  ciba_approved: 'Approved',
  ciba_denied: 'Denied',
  ciba_cancelled: 'Cancelled',
  ciba_expired: 'Expired',
  ciba_exchange_succeeded: 'Tokens issued',
  ciba_exchange_failed: 'Redeemed again',
  ciba_slow_down: 'Polled too fast',
  ciba_tokens_refreshed: 'Tokens refreshed',
  ciba_tokens_revoked: 'Tokens revoked',
  tenant_created: 'Tenant created',
  tenant_updated: 'Tenant updated',
  tenant_deleted: 'Tenant deleted',
  client_created: 'Application created',
  client_updated: 'Application updated',
  client_deleted: 'Application deleted',
  client_secret_rotated: 'Client secret rotated',
  authorization_type_created: 'Authorization type created',
  authorization_type_updated: 'Authorization type updated',
  authorization_type_deleted: 'Authorization type deleted',
  user_created: 'User created',
  user_updated: 'User updated',
  user_deleted: 'User deleted',
  user_blocked: 'User blocked',
  user_unblocked: 'User unblocked',
  authenticator_enrollment_sent: 'Authenticator link sent',
  authenticator_enrolled: 'Authenticator enrolled',
  authenticator_revoked: 'Authenticator revoked',
  users_imported: 'Users imported',
  signing_key_rotated: 'Signing key rotated',
  signing_key_retired: 'Signing key retired',
  admin_created: 'Admin invited',
  admin_updated: 'Admin updated',
  admin_removed: 'Admin removed',
  api_key_created: 'API key created',
  api_key_revoked: 'API key revoked',
  initial_access_token_created: 'Initial access token created',
  initial_access_token_revoked: 'Initial access token revoked',
  email_test_sent: 'Test email sent',
  trusted_issuer_added: 'Trusted issuer added',
  trusted_issuer_removed: 'Trusted issuer removed',
};

export const eventLabel = (type: string): string => EVENT_LABELS[type] ?? type;

/** `admin:<id>` → the admin's email when known; `api_key:<id>`, `cli`, dynamic registration (`registration:<token id>`, `registration_client:<client_id>`) as they are. */
export const actorLabel = (actor: string | null | undefined, adminEmails: ReadonlyMap<string, string> = new Map()): string => {
  if (!actor) return 'system';
  if (actor === 'cli') return 'CLI';
  const [kind, id] = actor.split(':');
  if (kind === 'admin') return adminEmails.get(id) ?? `admin ${id.slice(0, 8)}`;
  if (kind === 'api_key') return `API key ${id.slice(0, 8)}`;
  if (kind === 'registration') return `Dynamic registration (token ${id.slice(0, 8)})`;
  if (kind === 'registration_client') return `Dynamic registration (client ${id})`;

  return actor;
};

/** A request event's `by` (who decided), in words. */
export const deciderLabel = (by: unknown): string | null => {
  if (!by || typeof by !== 'object') return null;
  const { kind, channel } = by as { kind?: string; channel?: string };
  switch (kind) {
    case 'user':
      return `the user (${channel ?? 'email'})`;
    case 'admin':
      return 'an admin in the console';
    case 'api_key':
      return 'a Management API key';
    case 'cli':
      return 'the CLI';
    case 'system':
      return 'the server (expiry)';
    case 'test_hook':
      return 'the conformance test hook';
    default:
      return null;
  }
};

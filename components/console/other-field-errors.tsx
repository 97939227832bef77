// Refusals of settings that this form does not show (e.g. turning FAPI-CIBA on while the Settings card
// below still allows push mode): listed at the top of the form with the setting's console name, so no
// refusal is silent. Settings the form shows get their message under the field instead.
import type { FieldErrors } from './use-console-action';

/** The console's names for client settings, for messages shown away from their field. */
const SETTING_NAMES: Record<string, string> = {
  client_name: 'Name',
  token_endpoint_auth_method: 'Authentication method',
  backchannel_token_delivery_mode: 'Token delivery mode',
  backchannel_client_notification_endpoint: 'Notification endpoint',
  binding_message_policy: 'Binding message',
  id_token_signed_response_alg: 'ID token algorithm',
  jwks: 'Public keys',
  jwks_uri: 'JWKS URL',
  tls_client_auth_subject_dn: 'Certificate subject DN',
  token_endpoint_auth_signing_alg: 'Assertion algorithm',
  backchannel_authentication_request_signing_alg: 'Signed requests',
  backchannel_user_code_parameter: 'User code',
  fapi_ciba: 'FAPI-CIBA',
  id_token_hint_grace_period: 'ID token hint grace period',
  require_passkey_approval: 'Require the passkey',
};

export function OtherFieldErrors({ errors, shown, where }: { errors: FieldErrors; shown: readonly string[]; where: string }) {
  const others = Object.entries(errors).filter(
    ([name, messages]) => name !== 'form' && !name.includes('.') && !shown.includes(name) && messages?.length,
  );
  if (others.length === 0) return null;

  return (
    <div role="alert" className="rounded-lg bg-red-50 px-3 py-2.5 text-sm text-red-800 dark:bg-red-400/10 dark:text-red-300">
      <p className="font-medium">Also refused ({where}):</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {others.map(([name, messages]) => (
          <li key={name}>
            <span className="font-medium">{SETTING_NAMES[name] ?? name}</span>: {messages?.join(' ')}
          </li>
        ))}
      </ul>
    </div>
  );
}

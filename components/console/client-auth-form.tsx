'use client';

// The application's "Client authentication" card: the method and what it needs (keys, a certificate
// subject), and the security settings (signed requests, user code, FAPI-CIBA, id_token_hint grace).
// Every refusal appears under its field; one about a setting of another card is listed at the top.
// A switch to a client_secret_* method shows the new secret once.
import { ShieldCheck } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import type { ClientView } from '@/lib/admin/client-view';
import { hasAssertionAlg, isKeyAuthMethod, isSecretAuthMethod, needsSubjectDn } from '@/lib/clients/auth-method-kinds';
import { AuthMethodGuide } from './auth-method-guide';
import type { ClientSettingOptions } from './client-setting-options';
import { ClientKeysFields, type KeysSource } from './client-keys-fields';
import { NewSecretDialog } from './new-secret-dialog';
import { NumberField } from './number-field';
import { OtherFieldErrors } from './other-field-errors';
import { SettingsCard } from './settings-card';
import type { ConsoleAction, FieldErrors } from './use-console-action';

const SHOWN_FIELDS = [
  'token_endpoint_auth_method',
  'jwks',
  'jwks_uri',
  'tls_client_auth_subject_dn',
  'token_endpoint_auth_signing_alg',
  'backchannel_authentication_request_signing_alg',
  'backchannel_user_code_parameter',
  'fapi_ciba',
  'id_token_hint_grace_period',
  'require_passkey_approval',
];

/** A switch with its refusal under it (Switch has no Field of its own). */
function SwitchError({ errors, name }: { errors: FieldErrors; name: string }) {
  const messages = errors[name];

  return messages?.length ? <p className="-mt-2 text-sm text-red-700 dark:text-red-400">{messages.join(' ')}</p> : null;
}

export type ClientAuthFormProps = {
  action: ConsoleAction<{ client_secret?: string }>;
  tenantSlug: string;
  client: ClientView;
  options: Pick<ClientSettingOptions, 'authMethods' | 'assertionAlgs' | 'requestSigning' | 'fapiSigningAlgs' | 'bounds'>;
};

function ClientAuthFields({
  errors,
  client,
  options,
}: { errors: FieldErrors } & Omit<ClientAuthFormProps, 'action' | 'tenantSlug'>) {
  const [method, setMethod] = useState<string>(client.token_endpoint_auth_method);
  const [signing, setSigning] = useState<string>(client.backchannel_authentication_request_signing_alg ?? '');
  const [fapi, setFapi] = useState(client.fapi_ciba);
  const defaultSource: KeysSource = client.jwks !== null ? 'jwks' : client.jwks_uri !== null ? 'jwks_uri' : 'none';
  const keysNeededBecause = isKeyAuthMethod(method)
    ? `${method} authenticates with these keys`
    : signing !== ''
      ? 'signed requests are verified with these keys'
      : null;

  return (
    <>
      <OtherFieldErrors errors={errors} shown={SHOWN_FIELDS} where="in the Settings card below" />
      <div className="grid gap-5 lg:grid-cols-2">
        <div className="space-y-3">
          <Field
            label="Authentication method"
            description="How the application proves who it is at the token and backchannel endpoints."
            error={errors.token_endpoint_auth_method}
          >
            <Select
              name="token_endpoint_auth_method"
              value={method}
              onChange={(event) => setMethod(event.target.value)}
              options={options.authMethods}
            />
          </Field>
          {method !== client.token_endpoint_auth_method &&
          isSecretAuthMethod(method) &&
          !isSecretAuthMethod(client.token_endpoint_auth_method) ? (
            <p className="text-sm text-amber-800 dark:text-amber-300">Saving issues a new client secret, shown once.</p>
          ) : null}
          {method !== client.token_endpoint_auth_method &&
          !isSecretAuthMethod(method) &&
          isSecretAuthMethod(client.token_endpoint_auth_method) ? (
            <p className="text-sm text-amber-800 dark:text-amber-300">
              Saving deletes the client secret: the application must authenticate the new way.
            </p>
          ) : null}
        </div>
        <div className="self-start rounded-lg bg-slate-50 px-3 py-2.5 ring-1 ring-slate-200 dark:bg-white/[0.04] dark:ring-white/10">
          <AuthMethodGuide method={method} />
        </div>
      </div>
      <ClientKeysFields
        errors={errors}
        defaultSource={defaultSource}
        defaultJwks={client.jwks === null ? '' : JSON.stringify(client.jwks, null, 2)}
        defaultJwksUri={client.jwks_uri ?? ''}
        requiredBecause={keysNeededBecause}
      />
      <div className="grid gap-5 sm:grid-cols-2 sm:items-start">
        {needsSubjectDn(method) ? (
          <Field
            label="Certificate subject DN"
            description="RFC 4514 text the client certificate's subject must match (RFC 8705 §2.1.2)."
            error={errors.tls_client_auth_subject_dn}
            required
          >
            <Input
              name="tls_client_auth_subject_dn"
              defaultValue={client.tls_client_auth_subject_dn ?? ''}
              placeholder="CN=desk.example.com,O=Example"
              autoComplete="off"
            />
          </Field>
        ) : null}
        {hasAssertionAlg(method) ? (
          <Field
            label="Assertion algorithm"
            description="The algorithm its client assertions must use (token_endpoint_auth_signing_alg)."
            error={errors.token_endpoint_auth_signing_alg}
          >
            <Select
              name="token_endpoint_auth_signing_alg"
              defaultValue={client.token_endpoint_auth_signing_alg ?? ''}
              options={options.assertionAlgs}
            />
          </Field>
        ) : null}
        <Field
          label="Signed requests"
          description="Backchannel requests as a signed request object (CIBA §7.1.1); required ones must use this algorithm."
          error={errors.backchannel_authentication_request_signing_alg}
        >
          <Select
            name="backchannel_authentication_request_signing_alg"
            value={signing}
            onChange={(event) => setSigning(event.target.value)}
            options={options.requestSigning}
          />
        </Field>
        <NumberField
          name="id_token_hint_grace_period"
          label="ID token hint grace period (seconds)"
          description="How long after it expires an id_token_hint is still accepted. 0 = only unexpired ones."
          value={client.id_token_hint_grace_period}
          bounds={options.bounds.idTokenHintGracePeriod}
          errors={errors}
        />
      </div>
      <div className="space-y-4">
        <Switch
          name="backchannel_user_code_parameter"
          label="User code"
          description="Every request must carry the user's user_code (CIBA §7.1.2); users without one cannot be asked."
          defaultChecked={client.backchannel_user_code_parameter}
        />
        <SwitchError errors={errors} name="backchannel_user_code_parameter" />
        <Switch
          name="require_passkey_approval"
          label="Require the passkey to approve by email"
          description="Users who enrolled an authenticator also confirm this application's requests with their passkey on the emailed approval page."
          defaultChecked={client.require_passkey_approval}
        />
        <SwitchError errors={errors} name="require_passkey_approval" />
        <Switch
          name="fapi_ciba"
          label={
            <span className="inline-flex items-center gap-2">
              FAPI-CIBA profile {fapi ? <Badge tone="violet">On</Badge> : null}
            </span>
          }
          description={`Refuses settings the profile forbids: private_key_jwt or mutual TLS only, signed requests with ${options.fapiSigningAlgs.join(' or ')}, a required binding message, ${options.fapiSigningAlgs.join(' or ')} ID tokens, no push mode.`}
          checked={fapi}
          onChange={setFapi}
        />
        <SwitchError errors={errors} name="fapi_ciba" />
      </div>
    </>
  );
}

export function ClientAuthForm({ action, tenantSlug, client, options }: ClientAuthFormProps) {
  const [secret, setSecret] = useState<string | null>(null);

  return (
    <>
      <SettingsCard
        title="Client authentication"
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            How the application authenticates, its keys and the security profile.
            {client.fapi_ciba ? (
              <Badge tone="violet">
                <ShieldCheck className="size-3.5" aria-hidden="true" /> FAPI-CIBA
              </Badge>
            ) : null}
          </span>
        }
        action={action}
        hidden={{ tenantSlug, clientId: client.client_id }}
        onSuccess={(data) => {
          if (data?.client_secret) setSecret(data.client_secret);
        }}
      >
        {(errors) => <ClientAuthFields errors={errors} client={client} options={options} />}
      </SettingsCard>
      <NewSecretDialog
        secret={secret}
        description="The application now authenticates with a client secret."
        onClose={() => setSecret(null)}
      />
    </>
  );
}

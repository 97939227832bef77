'use client';

// Every client setting the metadata schema supports except client authentication and security (the
// Client authentication card, client-auth-form.tsx), grouped.
import type { ReactNode } from 'react';
import { Checkbox } from '@/components/ui/checkbox';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import type { ClientView } from '@/lib/admin/client-view';
import type { ClientSettingOptions } from './client-setting-options';
import { NumberField } from './number-field';
import { SettingsCard } from './settings-card';
import type { ConsoleAction } from './use-console-action';

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-5 border-t border-slate-200 pt-5 first:border-t-0 first:pt-0 dark:border-white/10">
      <legend className="float-left w-full pb-1">
        <span className="block text-sm font-semibold text-slate-900 dark:text-white">{title}</span>
        {description ? <span className="mt-1 block text-sm text-slate-600 dark:text-slate-400">{description}</span> : null}
      </legend>
      <div className="clear-both space-y-5">{children}</div>
    </fieldset>
  );
}

export type ClientSettingsFormProps = {
  action: ConsoleAction;
  tenantSlug: string;
  client: ClientView;
  options: ClientSettingOptions;
};

export function ClientSettingsForm({ action, tenantSlug, client, options }: ClientSettingsFormProps) {
  const { bounds } = options;

  return (
    <SettingsCard
      title="Settings"
      description="Changes apply to the next request the application makes."
      action={action}
      hidden={{ tenantSlug, clientId: client.client_id }}
    >
      {(errors) => (
        <>
          <Section title="General">
            <Field label="Name" description="Shown to users in approval emails and pages." error={errors.client_name} required>
              <Input name="client_name" defaultValue={client.client_name} autoComplete="off" />
            </Field>
          </Section>

          <Section title="Grants and token delivery">
            <div className="space-y-3">
              <Checkbox
                name="grant_types"
                value={options.cibaGrantType}
                label="CIBA grant"
                description={`Backchannel authentication (${options.cibaGrantType}). Without it, every request is refused as unauthorized_client.`}
                defaultChecked={(client.grant_types as readonly string[]).includes(options.cibaGrantType)}
              />
              <Checkbox
                name="grant_types"
                value={options.refreshTokenGrantType}
                label="Refresh tokens"
                description={`The ${options.refreshTokenGrantType} grant: a request whose granted scope includes offline_access also gets a refresh token, rotated on every use.`}
                defaultChecked={(client.grant_types as readonly string[]).includes(options.refreshTokenGrantType)}
              />
              {errors.grant_types ? (
                <p className="text-sm text-red-700 dark:text-red-400">{errors.grant_types.join(' ')}</p>
              ) : null}
            </div>
            <div className="grid gap-5 sm:grid-cols-2 sm:items-end">
              <Field label="Token delivery mode" error={errors.backchannel_token_delivery_mode}>
                <Select
                  name="backchannel_token_delivery_mode"
                  defaultValue={client.backchannel_token_delivery_mode}
                  options={options.deliveryModes}
                />
              </Field>
              <Field
                label="Notification endpoint"
                description="Where ping and push callbacks are sent (https://, a public address)."
                error={errors.backchannel_client_notification_endpoint}
              >
                <Input
                  name="backchannel_client_notification_endpoint"
                  type="url"
                  placeholder="https://app.example.com/cb"
                  defaultValue={client.backchannel_client_notification_endpoint ?? ''}
                />
              </Field>
            </div>
            <div className="grid gap-5 sm:grid-cols-2 sm:items-end">
              <NumberField
                name="backchannel_poll_interval"
                label="Minimum poll interval (seconds)"
                description="The interval the client is told to wait between polls."
                value={client.backchannel_poll_interval}
                bounds={bounds.pollInterval}
                errors={errors}
              />
              <NumberField
                name="backchannel_long_poll_timeout"
                label="Long polling (seconds)"
                description="Poll mode: hold a pending poll open this long, answering the moment the user decides. 0 = off."
                value={client.backchannel_long_poll_timeout}
                bounds={bounds.longPollTimeout}
                errors={errors}
              />
            </div>
          </Section>

          <Section title="Requests" description="What a backchannel authentication request may or must carry.">
            <div className="grid gap-5 sm:grid-cols-3 sm:items-end">
              <Field label="Binding message" error={errors.binding_message_policy}>
                <Select
                  name="binding_message_policy"
                  defaultValue={client.binding_message_policy}
                  options={options.bindingMessagePolicies}
                />
              </Field>
              <NumberField
                name="binding_message_max_length"
                label="Binding message length (max)"
                value={client.binding_message_max_length}
                bounds={bounds.bindingMessageMaxLength}
                errors={errors}
              />
              <Field label="Binding message characters" error={errors.binding_message_charset}>
                <Select
                  name="binding_message_charset"
                  defaultValue={client.binding_message_charset}
                  options={options.bindingMessageCharsets}
                />
              </Field>
            </div>
            <div className="grid gap-5 sm:grid-cols-3 sm:items-end">
              <NumberField
                name="min_requested_expiry"
                label="Shortest expiry (seconds)"
                value={client.min_requested_expiry}
                bounds={bounds.requestedExpiry}
                errors={errors}
              />
              <NumberField
                name="default_requested_expiry"
                label="Default expiry (seconds)"
                description="When the request names none."
                value={client.default_requested_expiry}
                bounds={bounds.requestedExpiry}
                errors={errors}
              />
              <NumberField
                name="max_requested_expiry"
                label="Longest expiry (seconds)"
                value={client.max_requested_expiry}
                bounds={bounds.requestedExpiry}
                errors={errors}
              />
            </div>
            <Field
              label="Authorization details types"
              description="Comma-separated: the tenant's authorization types this application may request in authorization_details (RFC 9396)."
              error={errors.authorization_details_types}
            >
              <Input
                name="authorization_details_types"
                placeholder="payment_initiation, account_information"
                defaultValue={client.authorization_details_types.join(', ')}
                autoComplete="off"
              />
            </Field>
          </Section>

          <Section title="Tokens">
            <div className="grid gap-5 sm:grid-cols-2 sm:items-end">
              <Field
                label="ID token algorithm"
                description="How ID tokens are signed (id_token_signed_response_alg); the tenant's JWKS publishes a key for each."
                error={errors.id_token_signed_response_alg}
              >
                <Select
                  name="id_token_signed_response_alg"
                  defaultValue={client.id_token_signed_response_alg}
                  options={options.idTokenAlgs}
                />
              </Field>
              <NumberField
                name="access_token_lifetime"
                label="Access token lifetime (seconds)"
                value={client.access_token_lifetime}
                bounds={bounds.tokenLifetime}
                errors={errors}
              />
              <NumberField
                name="id_token_lifetime"
                label="ID token lifetime (seconds)"
                value={client.id_token_lifetime}
                bounds={bounds.tokenLifetime}
                errors={errors}
              />
              <NumberField
                name="refresh_token_lifetime"
                label="Refresh token lifetime (seconds)"
                value={client.refresh_token_lifetime}
                bounds={bounds.refreshTokenLifetime}
                errors={errors}
              />
            </div>
          </Section>
        </>
      )}
    </SettingsCard>
  );
}

'use client';

import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select, type SelectOption } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { NumberField } from './number-field';
import { SettingsCard } from './settings-card';
import type { ConsoleAction } from './use-console-action';

export type TenantSettingsFormProps = {
  action: ConsoleAction;
  tenant: {
    slug: string;
    name: string;
    rate_limit_per_user: number;
    rate_limit_per_agent: number;
    rate_limit_per_tenant: number;
    max_pending_requests: number;
    dynamic_registration: boolean;
    require_passkey_approval: boolean;
    default_requested_expiry: number;
    max_requested_expiry: number;
    backchannel_poll_interval: number;
    binding_message_policy: string;
  };
  bindingMessagePolicies: readonly SelectOption[];
  expiryBounds: { min: number; max: number };
  pollIntervalBounds: { min: number; max: number };
};

export function TenantSettingsForm({
  action,
  tenant,
  bindingMessagePolicies,
  expiryBounds,
  pollIntervalBounds,
}: TenantSettingsFormProps) {
  return (
    <SettingsCard
      title="Settings"
      description="Limits are per minute; 0 turns a limit off."
      action={action}
      hidden={{ tenantSlug: tenant.slug }}
    >
      {(errors) => (
        <>
          <Field label="Name" description="Shown to users on approval pages and in emails." error={errors.name} required>
            <Input name="name" defaultValue={tenant.name} autoComplete="off" />
          </Field>
          <div className="grid gap-5 sm:grid-cols-2 lg:grid-cols-4 sm:items-end">
            <Field label="Requests per user" description="Per minute, per hinted user." error={errors.rate_limit_per_user}>
              <Input
                name="rate_limit_per_user"
                type="number"
                min={0}
                inputMode="numeric"
                defaultValue={tenant.rate_limit_per_user}
              />
            </Field>
            <Field label="Requests per tenant" description="Per minute, all users." error={errors.rate_limit_per_tenant}>
              <Input
                name="rate_limit_per_tenant"
                type="number"
                min={0}
                inputMode="numeric"
                defaultValue={tenant.rate_limit_per_tenant}
              />
            </Field>
            <Field
              label="Requests per agent"
              description="Per minute, per agent (actor_token)."
              error={errors.rate_limit_per_agent}
            >
              <Input
                name="rate_limit_per_agent"
                type="number"
                min={0}
                inputMode="numeric"
                defaultValue={tenant.rate_limit_per_agent}
              />
            </Field>
            <Field label="Pending requests" description="At most, at once." error={errors.max_pending_requests}>
              <Input
                name="max_pending_requests"
                type="number"
                min={0}
                inputMode="numeric"
                defaultValue={tenant.max_pending_requests}
              />
            </Field>
          </div>
          <fieldset className="space-y-4 border-t border-slate-200 pt-5 dark:border-white/10">
            <legend className="float-left mb-1 w-full text-sm font-semibold text-slate-900 dark:text-white">
              Defaults for new applications
            </legend>
            <p className="clear-left text-sm text-slate-600 dark:text-slate-400">
              Settings a new application starts with. The maximum expiry also caps every application: lowering it lowers theirs.
            </p>
            <div className="grid gap-5 sm:grid-cols-2 sm:items-end">
              <NumberField
                name="default_requested_expiry"
                label="Default expiry (seconds)"
                description="When a request asks for no expiry."
                value={tenant.default_requested_expiry}
                bounds={expiryBounds}
                errors={errors}
              />
              <NumberField
                name="max_requested_expiry"
                label="Maximum expiry (seconds)"
                description="The longest any application may allow."
                value={tenant.max_requested_expiry}
                bounds={expiryBounds}
                errors={errors}
              />
              <NumberField
                name="backchannel_poll_interval"
                label="Poll interval (seconds)"
                description="How long clients wait between polls."
                value={tenant.backchannel_poll_interval}
                bounds={pollIntervalBounds}
                errors={errors}
              />
              <Field label="Binding message" error={errors.binding_message_policy}>
                <Select
                  name="binding_message_policy"
                  defaultValue={tenant.binding_message_policy}
                  options={bindingMessagePolicies}
                />
              </Field>
            </div>
          </fieldset>
          <div className="space-y-4 border-t border-slate-200 pt-5 dark:border-white/10">
            <Switch
              name="dynamic_registration"
              label="Dynamic client registration"
              description={
                <>
                  Clients register themselves at <span className="font-mono text-xs">{'<issuer>/register'}</span> (RFC 7591) with
                  an initial access token from{' '}
                  <a className="underline" href={`/admin/t/${encodeURIComponent(tenant.slug)}/registration`}>
                    Dynamic registration
                  </a>
                  .
                </>
              }
              defaultChecked={tenant.dynamic_registration}
            />
            <Switch
              name="require_passkey_approval"
              label="Require the passkey to approve by email"
              description="Users who enrolled an authenticator also confirm with their passkey on the emailed approval page, so a link alone (or a program driving their browser) cannot approve."
              defaultChecked={tenant.require_passkey_approval}
            />
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Email and push, and the delay between them:{' '}
              <a className="underline" href={`/admin/t/${encodeURIComponent(tenant.slug)}/channels`}>
                Channels
              </a>
              .
            </p>
          </div>
        </>
      )}
    </SettingsCard>
  );
}

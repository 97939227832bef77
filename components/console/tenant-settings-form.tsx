'use client';

import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';
import { NotBuiltNote } from './not-built-note';
import { SettingsCard } from './settings-card';
import type { ConsoleAction } from './use-console-action';

export type TenantSettingsFormProps = {
  action: ConsoleAction;
  tenant: {
    slug: string;
    name: string;
    rate_limit_per_user: number;
    rate_limit_per_tenant: number;
    max_pending_requests: number;
    email_channel_enabled: boolean;
    push_channel_enabled: boolean;
  };
};

export function TenantSettingsForm({ action, tenant }: TenantSettingsFormProps) {
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
          <div className="grid gap-5 sm:grid-cols-3 sm:items-end">
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
          <div className="space-y-4 border-t border-slate-200 pt-5 dark:border-white/10">
            <Switch
              name="email_channel_enabled"
              label="Email channel"
              description="Users approve requests through a link sent by email."
              defaultChecked={tenant.email_channel_enabled}
            />
            <Switch
              label="Push channel"
              description={<NotBuiltNote>The push authenticator is not built yet.</NotBuiltNote>}
              defaultChecked={tenant.push_channel_enabled}
              disabled
            />
            {errors.email_channel_enabled ? (
              <p className="text-sm text-red-700 dark:text-red-400">{errors.email_channel_enabled.join(' ')}</p>
            ) : null}
          </div>
        </>
      )}
    </SettingsCard>
  );
}

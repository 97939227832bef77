'use client';

import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';
import type { UserView } from '@/lib/admin/user-view';
import { SettingsCard } from './settings-card';
import type { ConsoleAction } from './use-console-action';

export function UserProfileForm({ action, tenantSlug, user }: { action: ConsoleAction; tenantSlug: string; user: UserView }) {
  return (
    <SettingsCard title="Profile" action={action} hidden={{ tenantSlug, userId: user.id }}>
      {(errors) => (
        <>
          <div className="grid gap-5 sm:grid-cols-2 sm:items-end">
            <Field label="Email address" error={errors.email} required>
              <Input name="email" type="email" defaultValue={user.email} autoComplete="off" />
            </Field>
            <Field label="Name" description="Optional." error={errors.name}>
              <Input name="name" defaultValue={user.name ?? ''} autoComplete="off" />
            </Field>
          </div>
          <Switch
            name="email_verified"
            label="Email verified"
            description="Reported as email_verified in ID tokens and userinfo."
            defaultChecked={user.email_verified}
          />
        </>
      )}
    </SettingsCard>
  );
}

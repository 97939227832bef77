'use client';

import { UserPlus } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { FormDialog } from './form-dialog';
import type { ConsoleAction } from './use-console-action';

export function CreateUserDialog({ tenantSlug, action }: { tenantSlug: string; action: ConsoleAction<{ id: string }> }) {
  const router = useRouter();

  return (
    <FormDialog
      trigger={{ label: 'Create user', icon: <UserPlus /> }}
      title="Create user"
      description="Users approve backchannel authentication requests through the links emailed to them."
      action={action}
      submitLabel="Create user"
      pendingLabel="Creating…"
      onSuccess={(data) => {
        if (data) router.push(`/admin/t/${encodeURIComponent(tenantSlug)}/users/${encodeURIComponent(data.id)}`);
      }}
    >
      {(errors) => (
        <>
          <input type="hidden" name="tenantSlug" value={tenantSlug} />
          <Field label="Email address" description="The login_hint clients name the user by." error={errors.email} required>
            <Input name="email" type="email" autoComplete="off" placeholder="alice@example.com" data-autofocus />
          </Field>
          <Field label="Name" description="Optional; shown in approval emails." error={errors.name}>
            <Input name="name" autoComplete="off" placeholder="Alice Example" />
          </Field>
        </>
      )}
    </FormDialog>
  );
}

'use client';

// Inviting an administrator and changing one's role and tenants (owners only).
import { Pencil, UserPlus } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { FormDialog } from './form-dialog';
import { TenantCheckboxes } from './tenant-checkboxes';
import type { ConsoleAction } from './use-console-action';

type Tenants = readonly { slug: string; name: string }[];

const ROLE_OPTIONS = [
  { value: 'tenant-admin', label: 'Tenant admin: only the tenants chosen below' },
  { value: 'owner', label: 'Owner: every tenant, admins and API keys' },
];

export function InviteAdminDialog({ action, tenants }: { action: ConsoleAction; tenants: Tenants }) {
  const router = useRouter();

  return (
    <FormDialog
      trigger={{ label: 'Invite admin', icon: <UserPlus /> }}
      title="Invite an administrator"
      description="They sign in with a link emailed to this address. Nothing is sent now: tell them to sign in at /admin."
      action={action}
      submitLabel="Invite"
      pendingLabel="Inviting…"
      size="lg"
      onSuccess={() => router.refresh()}
    >
      {(errors) => (
        <>
          <Field label="Email address" error={errors.email} required>
            <Input name="email" type="email" autoComplete="off" placeholder="ops@example.com" data-autofocus />
          </Field>
          <Field label="Role" error={errors.role}>
            <Select name="role" defaultValue="tenant-admin" options={ROLE_OPTIONS} />
          </Field>
          <TenantCheckboxes tenants={tenants} error={errors.tenantSlugs} />
        </>
      )}
    </FormDialog>
  );
}

export type EditAdminDialogProps = {
  action: ConsoleAction;
  tenants: Tenants;
  admin: { id: string; email: string; role: string; tenants: readonly string[] };
};

export function EditAdminDialog({ action, tenants, admin }: EditAdminDialogProps) {
  const router = useRouter();

  return (
    <FormDialog
      trigger={{ label: 'Edit', icon: <Pencil />, variant: 'ghost', size: 'sm' }}
      title={`Role and tenants of ${admin.email}`}
      description="Takes effect at their next request."
      action={action}
      submitLabel="Save"
      pendingLabel="Saving…"
      size="lg"
      onSuccess={() => router.refresh()}
    >
      {(errors) => (
        <>
          <input type="hidden" name="adminId" value={admin.id} />
          <Field label="Role" error={errors.role}>
            <Select name="role" defaultValue={admin.role} options={ROLE_OPTIONS} />
          </Field>
          <TenantCheckboxes tenants={tenants} checked={admin.tenants} error={errors.tenantSlugs} />
        </>
      )}
    </FormDialog>
  );
}

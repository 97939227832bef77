'use client';

import { Plus } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { FormDialog } from './form-dialog';
import type { ConsoleAction } from './use-console-action';

export function CreateTenantDialog({ action }: { action: ConsoleAction<{ slug: string }> }) {
  const router = useRouter();

  return (
    <FormDialog
      trigger={{ label: 'Create tenant', icon: <Plus /> }}
      title="Create tenant"
      description="A tenant is its own OpenID Provider: its own issuer, signing keys, applications and users."
      action={action}
      submitLabel="Create tenant"
      pendingLabel="Creating…"
      onSuccess={(data) => {
        if (data) router.push(`/admin/t/${encodeURIComponent(data.slug)}`);
      }}
    >
      {(errors) => (
        <>
          <Field label="Name" description="Shown to users on approval pages and in emails." error={errors.name} required>
            <Input name="name" autoComplete="off" placeholder="Acme Corp" data-autofocus />
          </Field>
          <Field
            label="Slug"
            description="Part of the issuer URL (…/t/slug); lower-case letters, digits and hyphens. It never changes."
            error={errors.slug}
            required
          >
            <Input
              name="slug"
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              placeholder="acme"
              className="font-mono"
            />
          </Field>
        </>
      )}
    </FormDialog>
  );
}

'use client';

import { KeyRound } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { Select } from '@/components/ui/select';
import { FormDialog } from './form-dialog';
import type { ConsoleAction } from './use-console-action';

export type CreateApiKeyDialogProps = {
  action: ConsoleAction<{ key: string; name: string }>;
  tenants: readonly { slug: string; name: string }[];
  /** Owners may create keys for every tenant. */
  mayCreateAllTenantKeys: boolean;
};

export function CreateApiKeyDialog({ action, tenants, mayCreateAllTenantKeys }: CreateApiKeyDialogProps) {
  const router = useRouter();
  const options = [
    ...(mayCreateAllTenantKeys ? [{ value: '', label: 'Every tenant' }] : []),
    ...tenants.map((tenant) => ({ value: tenant.slug, label: `${tenant.name} (${tenant.slug})` })),
  ];

  return (
    <FormDialog
      trigger={{ label: 'Create API key', icon: <KeyRound />, variant: 'secondary' }}
      title="Create a Management API key"
      description="Scripts call /api/v1 with it as a bearer token. It can do what an admin of its tenants can."
      action={action}
      submitLabel="Create key"
      pendingLabel="Creating…"
      size="lg"
      onSuccess={() => router.refresh()}
      renderSuccess={(created, close) =>
        created ? (
          <SecretReveal
            label="API key"
            value={created.key}
            footer={
              <Button variant="secondary" onClick={close}>
                Done
              </Button>
            }
          />
        ) : null
      }
    >
      {(errors) => (
        <>
          <Field label="Name" description="What uses it, e.g. “deploy pipeline”." error={errors.name} required>
            <Input name="name" autoComplete="off" data-autofocus />
          </Field>
          <Field label="Reaches" error={errors.tenant}>
            <Select name="tenant" defaultValue={options[0]?.value} options={options} />
          </Field>
        </>
      )}
    </FormDialog>
  );
}

'use client';

import { Plus } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { ButtonLink } from '@/components/ui/button-link';
import { CodeBlock } from '@/components/ui/code-block';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { Select, type SelectOption } from '@/components/ui/select';
import { FormDialog } from './form-dialog';
import type { ConsoleAction } from './use-console-action';

export type CreatedApplication = { client_id: string; client_secret?: string; client_name: string };

export type CreateApplicationDialogProps = {
  tenantSlug: string;
  action: ConsoleAction<CreatedApplication>;
  authMethods: readonly SelectOption[];
  bindingMessagePolicies: readonly SelectOption[];
  /** The tenant's binding-message policy for new applications. */
  defaultBindingMessagePolicy: string;
};

export function CreateApplicationDialog({
  tenantSlug,
  action,
  authMethods,
  bindingMessagePolicies,
  defaultBindingMessagePolicy,
}: CreateApplicationDialogProps) {
  const router = useRouter();

  return (
    <FormDialog
      trigger={{ label: 'Create application', icon: <Plus /> }}
      title="Create application"
      description="An application (OAuth client) starts backchannel authentication requests for this tenant's users."
      action={action}
      submitLabel="Create application"
      pendingLabel="Creating…"
      size="lg"
      onSuccess={() => router.refresh()}
      renderSuccess={(created, close) =>
        created ? (
          <div className="space-y-4">
            <p>
              <strong className="font-semibold text-slate-900 dark:text-white">{created.client_name}</strong> is ready. Configure
              it with this client ID and secret.
            </p>
            <CodeBlock title="Client ID" code={created.client_id} />
            <SecretReveal
              label="Client secret"
              value={created.client_secret ?? '' /* TODO(console helper): no secret for key methods */}
              footer={
                <>
                  <Button variant="secondary" onClick={close}>
                    Done
                  </Button>
                  <ButtonLink
                    href={`/admin/t/${encodeURIComponent(tenantSlug)}/applications/${encodeURIComponent(created.client_id)}`}
                  >
                    Configure application
                  </ButtonLink>
                </>
              }
            />
          </div>
        ) : null
      }
    >
      {(errors) => (
        <>
          <input type="hidden" name="tenantSlug" value={tenantSlug} />
          <Field label="Name" description="Shown to users in approval emails and pages." error={errors.client_name} required>
            <Input name="client_name" autoComplete="off" placeholder="Support desk" data-autofocus />
          </Field>
          <Field label="Authentication method" error={errors.token_endpoint_auth_method}>
            <Select name="token_endpoint_auth_method" defaultValue="client_secret_basic" options={authMethods} />
          </Field>
          <Field label="Binding message" error={errors.binding_message_policy}>
            <Select name="binding_message_policy" defaultValue={defaultBindingMessagePolicy} options={bindingMessagePolicies} />
          </Field>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Every other setting starts at the tenant&apos;s defaults for new applications; change them afterwards.
          </p>
        </>
      )}
    </FormDialog>
  );
}

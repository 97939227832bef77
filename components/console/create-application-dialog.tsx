'use client';

import { Plus, ShieldCheck } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ButtonLink } from '@/components/ui/button-link';
import { Checkbox } from '@/components/ui/checkbox';
import { CodeBlock } from '@/components/ui/code-block';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { Select, type SelectOption } from '@/components/ui/select';
import { isKeyAuthMethod, needsSubjectDn } from '@/lib/clients/auth-method-kinds';
import { AuthMethodGuide } from './auth-method-guide';
import { ClientKeysFields } from './client-keys-fields';
import { FormDialog } from './form-dialog';
import { OtherFieldErrors } from './other-field-errors';
import type { ConsoleAction, FieldErrors } from './use-console-action';

export type CreatedApplication = {
  client_id: string;
  /** Only for a client_secret_* method: key and certificate clients have none. */
  client_secret?: string;
  client_name: string;
  token_endpoint_auth_method: string;
  fapi_ciba: boolean;
};

export type CreateApplicationDialogProps = {
  tenantSlug: string;
  action: ConsoleAction<CreatedApplication>;
  authMethods: readonly SelectOption[];
  bindingMessagePolicies: readonly SelectOption[];
  /** The tenant's binding-message policy for new applications. */
  defaultBindingMessagePolicy: string;
};

const SHOWN_FIELDS = [
  'client_name',
  'token_endpoint_auth_method',
  'binding_message_policy',
  'jwks',
  'jwks_uri',
  'tls_client_auth_subject_dn',
  'fapi_ciba',
];

/** The fields of the dialog: those the chosen method needs appear with it. */
function CreateApplicationFields({
  errors,
  tenantSlug,
  authMethods,
  bindingMessagePolicies,
  defaultBindingMessagePolicy,
}: { errors: FieldErrors } & Omit<CreateApplicationDialogProps, 'action'>) {
  const [method, setMethod] = useState('client_secret_basic');
  const [fapi, setFapi] = useState(false);
  const keysNeededBecause = isKeyAuthMethod(method)
    ? `${method} authenticates with these keys`
    : fapi
      ? 'FAPI-CIBA requests are signed and verified with these keys'
      : null;

  return (
    <>
      <input type="hidden" name="tenantSlug" value={tenantSlug} />
      <OtherFieldErrors errors={errors} shown={SHOWN_FIELDS} where="change them on the application's page" />
      <Field label="Name" description="Shown to users in approval emails and pages." error={errors.client_name} required>
        <Input name="client_name" autoComplete="off" placeholder="Support desk" data-autofocus />
      </Field>
      <Field label="Authentication method" error={errors.token_endpoint_auth_method}>
        <Select
          name="token_endpoint_auth_method"
          value={method}
          onChange={(event) => setMethod(event.target.value)}
          options={authMethods}
        />
      </Field>
      {keysNeededBecause !== null ? (
        <ClientKeysFields errors={errors} defaultSource="jwks" requiredBecause={keysNeededBecause} />
      ) : null}
      {needsSubjectDn(method) ? (
        <Field
          label="Certificate subject DN"
          description="The subject of the client's CA-issued certificate, RFC 4514 text, e.g. CN=desk.example.com,O=Example."
          error={errors.tls_client_auth_subject_dn}
          required
        >
          <Input name="tls_client_auth_subject_dn" autoComplete="off" placeholder="CN=desk.example.com,O=Example" />
        </Field>
      ) : null}
      <div className="space-y-1.5">
        <Checkbox
          name="fapi_ciba"
          label="FAPI-CIBA profile"
          description="For banking and payments: private_key_jwt or mutual TLS only, signed requests (PS256), a binding message on every request, PS256 ID tokens, no push mode."
          checked={fapi}
          onChange={setFapi}
        />
        {errors.fapi_ciba ? <p className="text-sm text-red-700 dark:text-red-400">{errors.fapi_ciba.join(' ')}</p> : null}
      </div>
      {fapi ? null : (
        <Field label="Binding message" error={errors.binding_message_policy}>
          <Select name="binding_message_policy" defaultValue={defaultBindingMessagePolicy} options={bindingMessagePolicies} />
        </Field>
      )}
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Every other setting starts at the tenant&apos;s defaults for new applications; change them afterwards.
      </p>
    </>
  );
}

/** After creation: the client ID, and the secret only when the method has one; else how the client authenticates. */
function CreatedApplicationPanel({
  created,
  tenantSlug,
  close,
}: {
  created: CreatedApplication;
  tenantSlug: string;
  close: () => void;
}) {
  const footer = (
    <>
      <Button variant="secondary" onClick={close}>
        Done
      </Button>
      <ButtonLink href={`/admin/t/${encodeURIComponent(tenantSlug)}/applications/${encodeURIComponent(created.client_id)}`}>
        Configure application
      </ButtonLink>
    </>
  );

  return (
    <div className="space-y-4">
      <p className="flex flex-wrap items-center gap-2">
        <span>
          <strong className="font-semibold text-slate-900 dark:text-white">{created.client_name}</strong> is ready.{' '}
          {created.client_secret !== undefined
            ? 'Configure it with this client ID and secret.'
            : 'Configure it with this client ID.'}
        </span>
        {created.fapi_ciba ? (
          <Badge tone="violet">
            <ShieldCheck className="size-3.5" aria-hidden="true" /> FAPI-CIBA
          </Badge>
        ) : null}
      </p>
      <CodeBlock title="Client ID" code={created.client_id} />
      {created.client_secret !== undefined ? (
        <SecretReveal label="Client secret" value={created.client_secret} footer={footer} />
      ) : (
        <div className="space-y-4">
          <div
            role="note"
            aria-label="How it authenticates"
            className="rounded-lg bg-slate-50 px-3 py-2.5 ring-1 ring-slate-200 dark:bg-white/[0.04] dark:ring-white/10"
          >
            <AuthMethodGuide method={created.token_endpoint_auth_method} />
          </div>
          <div className="flex justify-end gap-2">{footer}</div>
        </div>
      )}
    </div>
  );
}

export function CreateApplicationDialog({ action, ...fields }: CreateApplicationDialogProps) {
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
        created ? <CreatedApplicationPanel created={created} tenantSlug={fields.tenantSlug} close={close} /> : null
      }
    >
      {(errors) => <CreateApplicationFields errors={errors} {...fields} />}
    </FormDialog>
  );
}

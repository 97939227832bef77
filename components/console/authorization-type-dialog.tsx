'use client';

// Create or edit a tenant's authorization-details type (RFC 9396): its name, title, partial
// approval, JSON Schema and display template (both as JSON), with per-field errors.
import { Pencil, Plus } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';
import { Textarea } from '@/components/ui/textarea';
import { FormDialog } from './form-dialog';
import type { ConsoleAction } from './use-console-action';

export type AuthorizationTypeFormValues = {
  type: string;
  title: string | null;
  partial_approval: boolean;
  schema: unknown;
  template: unknown;
};

const SCHEMA_PLACEHOLDER = `{
  "type": "object",
  "required": ["type", "instructedAmount"],
  "properties": {
    "type": { "const": "payment_initiation" },
    "instructedAmount": { "type": "object" }
  }
}`;

const TEMPLATE_PLACEHOLDER = `{
  "summary": "Payment of {instructedAmount}",
  "fields": [
    { "field": "instructedAmount", "label": "Amount", "kind": "money" },
    { "field": "creditorAccount.iban", "label": "Account", "kind": "masked" }
  ]
}`;

const pretty = (value: unknown): string => (value === null || value === undefined ? '' : JSON.stringify(value, null, 2));

export function AuthorizationTypeDialog({
  tenantSlug,
  action,
  current,
}: {
  tenantSlug: string;
  action: ConsoleAction;
  /** The type to edit; absent: a new one. */
  current?: AuthorizationTypeFormValues;
}) {
  const router = useRouter();
  const editing = current !== undefined;

  return (
    <FormDialog
      trigger={
        editing
          ? { label: 'Edit', icon: <Pencil />, variant: 'secondary', size: 'sm' }
          : { label: 'Create authorization type', icon: <Plus /> }
      }
      title={editing ? `Edit ${current.type}` : 'Create authorization type'}
      description="What applications may ask for in authorization_details, how each item is checked, and how users see it on the approval page."
      action={action}
      submitLabel={editing ? 'Save' : 'Create type'}
      pendingLabel="Saving…"
      size="lg"
      onSuccess={() => router.refresh()}
    >
      {(errors) => (
        <>
          <input type="hidden" name="tenantSlug" value={tenantSlug} />
          {editing ? (
            <input type="hidden" name="type" value={current.type} />
          ) : (
            <Field
              label="Type"
              description="The name applications put in authorization_details[].type."
              error={errors.type}
              required
            >
              <Input name="type" autoComplete="off" placeholder="payment_initiation" className="font-mono" data-autofocus />
            </Field>
          )}
          <Field label="Title" description="The heading users read for each item (default: the type name)." error={errors.title}>
            <Input name="title" autoComplete="off" placeholder="Payment" defaultValue={current?.title ?? ''} />
          </Field>
          <Switch
            name="partial_approval"
            label="Users may approve items one by one"
            description="Off: items of this type have no checkbox and are always approved with the request."
            defaultChecked={current?.partial_approval ?? true}
          />
          <Field
            label="JSON Schema"
            description="Draft 2020-12, for the whole item, type included."
            error={errors.schema}
            required={!editing}
          >
            <Textarea
              name="schema"
              rows={10}
              spellCheck={false}
              className="font-mono text-xs"
              placeholder={SCHEMA_PLACEHOLDER}
              defaultValue={pretty(current?.schema)}
            />
          </Field>
          <Field
            label="Display template"
            description='Optional. Field kinds: money, masked, date, list, text; "summary" is the email line. Blank: every field shown generically.'
            error={errors.template}
          >
            <Textarea
              name="template"
              rows={8}
              spellCheck={false}
              className="font-mono text-xs"
              placeholder={TEMPLATE_PLACEHOLDER}
              defaultValue={pretty(current?.template)}
            />
          </Field>
        </>
      )}
    </FormDialog>
  );
}

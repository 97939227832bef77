'use client';

// A card holding one settings form (a console server action): the fields, then a footer with the
// save button. Hidden inputs carry what the action needs to know which thing it changes.
import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { useConsoleAction, type ConsoleAction, type FieldErrors } from './use-console-action';

export type SettingsCardProps<Data> = {
  title: string;
  description?: ReactNode;
  action: ConsoleAction<Data>;
  /** Name → value of hidden inputs (e.g. the tenant slug). */
  hidden?: Record<string, string>;
  submitLabel?: string;
  children: (errors: FieldErrors) => ReactNode;
  onSuccess?: (data: Data | undefined) => void;
  /** Extra buttons in the footer, before the save button. */
  footerExtra?: ReactNode;
};

export function SettingsCard<Data>({
  title,
  description,
  action,
  hidden,
  submitLabel = 'Save changes',
  children,
  onSuccess,
  footerExtra,
}: SettingsCardProps<Data>) {
  const { onSubmit, isPending, errors } = useConsoleAction(action, onSuccess);

  return (
    <form onSubmit={onSubmit} noValidate>
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Card
        title={title}
        description={description}
        footer={
          <>
            {footerExtra}
            <SubmitButton pendingLabel="Saving…" pending={isPending}>
              {submitLabel}
            </SubmitButton>
          </>
        }
      >
        {errors.form ? (
          <p role="alert" className="mb-4 text-sm text-red-700 dark:text-red-400">
            {errors.form.join(' ')}
          </p>
        ) : null}
        <div className="space-y-5">{children(errors)}</div>
      </Card>
    </form>
  );
}

'use client';

// A button that opens a dialog holding one form (a console server action). The form is mounted
// afresh at every opening. On success the dialog closes, or shows `renderSuccess` (e.g. a secret
// shown once) until the admin dismisses it.
import { useState, type ReactNode } from 'react';
import { Button, type ButtonSize, type ButtonVariant } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { SubmitButton } from '@/components/ui/submit-button';
import { useConsoleAction, type ConsoleAction, type FieldErrors } from './use-console-action';

export type FormDialogProps<Data> = {
  trigger: { label: string; icon?: ReactNode; variant?: ButtonVariant; size?: ButtonSize };
  title: string;
  description?: ReactNode;
  action: ConsoleAction<Data>;
  submitLabel: string;
  pendingLabel?: string;
  submitVariant?: ButtonVariant;
  size?: 'sm' | 'md' | 'lg';
  /** The fields, given the last failure's field errors. */
  children: (errors: FieldErrors) => ReactNode;
  /** After a success: shown instead of the form until closed. Without it, the dialog closes. */
  renderSuccess?: (data: Data | undefined, close: () => void) => ReactNode;
  onSuccess?: (data: Data | undefined) => void;
};

function DialogForm<Data>({
  action,
  submitLabel,
  pendingLabel,
  submitVariant,
  children,
  renderSuccess,
  onSuccess,
  close,
}: Omit<FormDialogProps<Data>, 'trigger' | 'title' | 'description' | 'size'> & { close: () => void }) {
  const [succeeded, setSucceeded] = useState<{ data: Data | undefined } | null>(null);
  const { onSubmit, isPending, errors } = useConsoleAction(action, (data) => {
    onSuccess?.(data);
    if (renderSuccess) setSucceeded({ data });
    else close();
  });
  if (succeeded && renderSuccess) return <>{renderSuccess(succeeded.data, close)}</>;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      {errors.form ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {errors.form.join(' ')}
        </p>
      ) : null}
      {children(errors)}
      <div className="-mx-5 -mb-4 flex rounded-b-xl flex-col-reverse gap-2 border-t border-slate-200 bg-slate-50 px-5 py-3 sm:-mx-6 sm:flex-row sm:justify-end sm:px-6 dark:border-white/10 dark:bg-white/[0.02]">
        <Button variant="secondary" onClick={close} disabled={isPending}>
          Cancel
        </Button>
        <SubmitButton variant={submitVariant} pendingLabel={pendingLabel} pending={isPending}>
          {submitLabel}
        </SubmitButton>
      </div>
    </form>
  );
}

export function FormDialog<Data>({ trigger, title, description, size, ...form }: FormDialogProps<Data>) {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);

  return (
    <>
      <Button variant={trigger.variant} size={trigger.size} icon={trigger.icon} onClick={() => setOpen(true)}>
        {trigger.label}
      </Button>
      <Dialog open={open} onClose={close} title={title} description={description} size={size}>
        <DialogForm {...form} close={close} />
      </Dialog>
    </>
  );
}

'use client';

// Confirmation for consequential actions (delete, revoke, rotate). Optionally the user must type a
// given text (e.g. the tenant slug) before the confirm button enables.
// onConfirm may be async (e.g. it calls a server action): the dialog stays open with a spinner while
// it runs, closes when it settles, and stays open if it returns false or throws.
import { useId, useState, useTransition, type ReactNode } from 'react';
import { toast } from 'sonner';
import { Button, type ButtonSize, type ButtonVariant } from './button';
import { Dialog } from './dialog';
import { Field } from './field';
import { Input } from './input';

export type ConfirmDialogProps = {
  title: string;
  description: ReactNode;
  /** The confirm button's label; say what happens ("Delete tenant"), not "OK". */
  confirmLabel: string;
  cancelLabel?: string;
  /** danger (default): red confirm button; primary: for confirmations that destroy nothing. */
  tone?: 'danger' | 'primary';
  /** Text the user must type exactly (case-sensitive) to enable the confirm button. */
  confirmationText?: string;
  onConfirm: () => void | boolean | Promise<void | boolean>;
  /** More content above the typed confirmation, e.g. a list of what will be removed. */
  children?: ReactNode;
  /** Controlled mode: pass open and onOpenChange. */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** Uncontrolled mode: a button that opens the dialog. */
  trigger?: { label: string; variant?: ButtonVariant; size?: ButtonSize; icon?: ReactNode };
};

export function ConfirmDialog({
  title,
  description,
  confirmLabel,
  cancelLabel = 'Cancel',
  tone = 'danger',
  confirmationText,
  onConfirm,
  children,
  open: controlledOpen,
  onOpenChange,
  trigger,
}: ConfirmDialogProps) {
  const [uncontrolledOpen, setUncontrolledOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [isPending, startTransition] = useTransition();
  const formId = useId();
  const open = controlledOpen ?? uncontrolledOpen;

  const setOpen = (next: boolean) => {
    if (!next) setTyped('');
    setUncontrolledOpen(next);
    onOpenChange?.(next);
  };
  const close = () => {
    if (!isPending) setOpen(false);
  };
  const isConfirmable = confirmationText === undefined || typed === confirmationText;

  const confirm = () => {
    if (!isConfirmable || isPending) return;
    startTransition(async () => {
      try {
        if ((await onConfirm()) !== false) setOpen(false);
      } catch (error) {
        console.error(error);
        toast.error('Something went wrong. Nothing was changed, or not all of it: check and try again.');
      }
    });
  };

  return (
    <>
      {trigger ? (
        <Button variant={trigger.variant ?? 'danger'} size={trigger.size} icon={trigger.icon} onClick={() => setOpen(true)}>
          {trigger.label}
        </Button>
      ) : null}
      <Dialog
        open={open}
        onClose={close}
        role="alertdialog"
        size="sm"
        title={title}
        description={description}
        hideCloseButton={isPending}
        actions={
          <>
            <Button variant="secondary" onClick={close} disabled={isPending}>
              {cancelLabel}
            </Button>
            <Button
              type="submit"
              form={formId}
              variant={tone === 'danger' ? 'danger' : 'primary'}
              pending={isPending}
              disabled={!isConfirmable}
            >
              {confirmLabel}
            </Button>
          </>
        }
      >
        {children}
        <form
          id={formId}
          onSubmit={(event) => {
            event.preventDefault();
            confirm();
          }}
          className={children ? 'mt-4' : undefined}
        >
          {confirmationText !== undefined ? (
            <Field
              label={
                <>
                  Type{' '}
                  <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em] dark:bg-white/10">
                    {confirmationText}
                  </code>{' '}
                  to confirm
                </>
              }
            >
              <Input
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
                autoComplete="off"
                autoCapitalize="off"
                autoCorrect="off"
                spellCheck={false}
                disabled={isPending}
                data-autofocus
              />
            </Field>
          ) : null}
        </form>
      </Dialog>
    </>
  );
}

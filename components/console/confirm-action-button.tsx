'use client';

// A destructive action behind a confirmation (optionally typed): calls a server action, toasts its
// result, and on success refreshes the page or goes to `redirectTo`.
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import type { ActionResult } from '@/components/ui/action-result';
import type { ButtonSize, ButtonVariant } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { toastResult } from '@/components/ui/toast';

export type ConfirmActionButtonProps = {
  trigger: { label: string; icon?: ReactNode; variant?: ButtonVariant; size?: ButtonSize };
  title: string;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  confirmationText?: string;
  tone?: 'danger' | 'primary';
  /** A server action bound to its arguments. */
  action: () => Promise<ActionResult<unknown>>;
  redirectTo?: string;
  children?: ReactNode;
};

export function ConfirmActionButton({ action, redirectTo, ...dialog }: ConfirmActionButtonProps) {
  const router = useRouter();

  return (
    <ConfirmDialog
      {...dialog}
      onConfirm={async () => {
        const result = await action();
        toastResult(result);
        if (!result.ok) return false;
        if (redirectTo) router.push(redirectTo);
        else router.refresh();

        return true;
      }}
    />
  );
}

'use client';

// A modal dialog (Headless UI): focus is trapped inside and returns to the opener on close;
// Escape and a click on the backdrop call onClose. Controlled: the caller owns `open`.
import { CloseButton, Description, Dialog as HeadlessDialog, DialogBackdrop, DialogPanel, DialogTitle } from '@headlessui/react';
import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn, FOCUS_RING } from './styles';

export type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons in the footer, in reading order (put the main action last). */
  actions?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** "alertdialog" for confirmations that interrupt (ConfirmDialog uses it). */
  role?: 'dialog' | 'alertdialog';
  /** Hides the corner close button (e.g. while an action is running). */
  hideCloseButton?: boolean;
};

const SIZES = { sm: 'sm:max-w-md', md: 'sm:max-w-lg', lg: 'sm:max-w-2xl' } as const;

export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  actions,
  size = 'md',
  role = 'dialog',
  hideCloseButton = false,
}: DialogProps) {
  return (
    <HeadlessDialog open={open} onClose={onClose} role={role} className="relative z-50">
      <DialogBackdrop
        transition
        className="fixed inset-0 bg-slate-950/40 transition-opacity duration-200 ease-out data-closed:opacity-0 dark:bg-slate-950/70"
      />
      <div className="fixed inset-0 w-screen overflow-y-auto">
        <div className="flex min-h-full items-end justify-center p-4 sm:items-center">
          <DialogPanel
            transition
            className={cn(
              'relative w-full rounded-xl bg-white shadow-xl ring-1 ring-slate-900/5 transition duration-200 ease-out',
              'data-closed:translate-y-2 data-closed:opacity-0 sm:data-closed:translate-y-0 sm:data-closed:scale-95',
              'dark:bg-slate-900 dark:ring-white/10',
              SIZES[size],
            )}
          >
            <div className="px-5 pt-5 pb-4 sm:px-6">
              <DialogTitle className="pr-8 text-base font-semibold text-slate-900 dark:text-white">{title}</DialogTitle>
              {description ? (
                <Description className="mt-2 text-sm text-slate-600 dark:text-slate-400">{description}</Description>
              ) : null}
              {children ? <div className="mt-4 text-sm text-slate-700 dark:text-slate-300">{children}</div> : null}
            </div>
            {actions ? (
              <div className="flex flex-col-reverse gap-2 rounded-b-xl border-t border-slate-200 bg-slate-50 px-5 py-3 sm:flex-row sm:justify-end sm:px-6 dark:border-white/10 dark:bg-white/[0.02]">
                {actions}
              </div>
            ) : null}
            {hideCloseButton ? null : (
              <CloseButton
                aria-label="Close"
                className={cn(
                  'absolute top-4 right-4 rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-700 dark:text-slate-400 dark:hover:bg-white/10 dark:hover:text-white',
                  FOCUS_RING,
                )}
              >
                <X className="size-5" />
              </CloseButton>
            )}
          </DialogPanel>
        </div>
      </div>
    </HeadlessDialog>
  );
}

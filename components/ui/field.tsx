'use client';

// A labelled form field: label, optional description, the control, and the error right under it.
// Headless UI's Field wires the label (htmlFor/aria-labelledby) and every description and error
// (aria-describedby) to the control inside it, which must be one of our Input, Select or Textarea.
// An `error` also marks that control aria-invalid, and `required` marks it required.
import { Description, Field as HeadlessField, Label } from '@headlessui/react';
import { CircleAlert } from 'lucide-react';
import { createContext, useContext, type ReactNode } from 'react';
import { cn } from './styles';

type FieldState = { invalid: boolean; required: boolean };

const FieldStateContext = createContext<FieldState>({ invalid: false, required: false });

/** What the enclosing Field says about its control; read by Input, Select and Textarea. */
export const useFieldState = (): FieldState => useContext(FieldStateContext);

export type FieldProps = {
  label: ReactNode;
  /** Help text between label and control, e.g. the expected format. */
  description?: ReactNode;
  /** Validation message(s) for this field (e.g. zod's fieldErrors[name]); empty or absent means valid. */
  error?: string | readonly string[] | null;
  required?: boolean;
  disabled?: boolean;
  /** Keeps the label for assistive technology only. */
  hideLabel?: boolean;
  className?: string;
  children: ReactNode;
};

export function Field({ label, description, error, required = false, disabled, hideLabel, className, children }: FieldProps) {
  const errors = error == null ? [] : typeof error === 'string' ? [error] : error;
  const invalid = errors.length > 0;

  return (
    <HeadlessField disabled={disabled} className={cn('flex flex-col gap-1.5', className)}>
      <Label
        className={cn('text-sm font-medium text-slate-900 data-disabled:opacity-60 dark:text-white', hideLabel && 'sr-only')}
      >
        {label}
        {required ? (
          <span aria-hidden="true" className="ml-0.5 text-red-700 dark:text-red-400">
            *
          </span>
        ) : null}
      </Label>
      {description ? <Description className="text-sm text-slate-600 dark:text-slate-400">{description}</Description> : null}
      <FieldStateContext value={{ invalid, required }}>{children}</FieldStateContext>
      {/* Always present so a newly shown error is announced. */}
      <div aria-live="polite">
        {invalid ? (
          <Description as="div" className="flex items-start gap-1.5 text-sm text-red-700 dark:text-red-400">
            <CircleAlert className="mt-0.5 size-4 shrink-0" />
            <span>{errors.join(' ')}</span>
          </Description>
        ) : null}
      </div>
    </HeadlessField>
  );
}

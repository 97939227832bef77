'use client';

// A checkbox with its label (and optional description) beside it. With `name` it submits like a
// native checkbox: `value` (default "on") when checked, nothing when not. Without a label, pass aria-label.
import { Checkbox as HeadlessCheckbox, Description, Field, Label } from '@headlessui/react';
import { Check, Minus } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn, FOCUS_RING } from './styles';

export type CheckboxProps = {
  label?: ReactNode;
  description?: ReactNode;
  name?: string;
  value?: string;
  checked?: boolean;
  defaultChecked?: boolean;
  onChange?: (checked: boolean) => void;
  indeterminate?: boolean;
  disabled?: boolean;
  /** The id of a <form> elsewhere on the page this checkbox belongs to. */
  form?: string;
  autoFocus?: boolean;
  'aria-label'?: string;
  className?: string;
};

export function Checkbox({ label, description, disabled, className, ...props }: CheckboxProps) {
  const box = (
    <HeadlessCheckbox
      disabled={disabled}
      className={cn(
        'group relative mt-0.5 flex size-4 shrink-0 items-center justify-center rounded-[0.3125rem] bg-white ring-1 ring-slate-400 ring-inset',
        'data-checked:bg-indigo-600 data-checked:ring-indigo-600 data-indeterminate:bg-indigo-600 data-indeterminate:ring-indigo-600',
        'data-disabled:cursor-not-allowed data-disabled:opacity-50',
        'dark:bg-white/5 dark:ring-white/30 dark:data-checked:bg-indigo-500 dark:data-checked:ring-indigo-500 dark:data-indeterminate:bg-indigo-500',
        FOCUS_RING,
        !label && className,
      )}
      {...props}
    >
      <Check strokeWidth={3} className="size-3 text-white opacity-0 group-data-checked:opacity-100" />
      <Minus strokeWidth={3} className="absolute size-3 text-white opacity-0 group-data-indeterminate:opacity-100" />
    </HeadlessCheckbox>
  );
  if (!label) return box;

  return (
    <Field disabled={disabled} className={cn('flex gap-3', className)}>
      {box}
      <div className="text-sm/5">
        <Label className="font-medium text-slate-900 data-disabled:opacity-60 dark:text-white">{label}</Label>
        {description ? <Description className="text-slate-600 dark:text-slate-400">{description}</Description> : null}
      </div>
    </Field>
  );
}

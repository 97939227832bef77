'use client';

// An on/off switch (role="switch") with its label and optional description. With `name` it submits
// `value` (default "on") when on, nothing when off. Without a label, pass aria-label.
import { Description, Field, Label, Switch as HeadlessSwitch } from '@headlessui/react';
import type { ReactNode } from 'react';
import { cn, FOCUS_RING } from './styles';

export type SwitchProps = {
  label?: ReactNode;
  description?: ReactNode;
  name?: string;
  value?: string;
  checked?: boolean;
  defaultChecked?: boolean;
  onChange?: (checked: boolean) => void;
  disabled?: boolean;
  form?: string;
  autoFocus?: boolean;
  'aria-label'?: string;
  className?: string;
};

export function Switch({ label, description, disabled, className, ...props }: SwitchProps) {
  const toggle = (
    <HeadlessSwitch
      disabled={disabled}
      className={cn(
        'group relative inline-flex h-6 w-11 shrink-0 items-center rounded-full bg-slate-300 p-0.5 transition-colors duration-200',
        'data-checked:bg-indigo-600 data-disabled:cursor-not-allowed data-disabled:opacity-50',
        'dark:bg-white/20 dark:data-checked:bg-indigo-500',
        FOCUS_RING,
        !label && className,
      )}
      {...props}
    >
      <span
        aria-hidden="true"
        className="size-5 rounded-full bg-white shadow-sm ring-1 ring-slate-900/10 transition-transform duration-200 group-data-checked:translate-x-5"
      />
    </HeadlessSwitch>
  );
  if (!label) return toggle;

  return (
    <Field disabled={disabled} className={cn('flex items-center justify-between gap-4', className)}>
      <div className="text-sm/5">
        <Label className="font-medium text-slate-900 data-disabled:opacity-60 dark:text-white">{label}</Label>
        {description ? <Description className="text-slate-600 dark:text-slate-400">{description}</Description> : null}
      </div>
      {toggle}
    </Field>
  );
}

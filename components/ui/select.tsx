'use client';

// A native <select> (works in plain forms, keyboard and screen readers for free); same Field contract as Input.
// Give either `options` or <option> children.
import { Select as HeadlessSelect } from '@headlessui/react';
import { ChevronDown } from 'lucide-react';
import type { ComponentPropsWithRef } from 'react';
import { useFieldState } from './field';
import { cn, CONTROL } from './styles';

export type SelectOption = { value: string; label: string; disabled?: boolean };

export type SelectProps = Omit<ComponentPropsWithRef<'select'>, 'aria-describedby' | 'aria-labelledby'> & {
  invalid?: boolean;
  options?: readonly SelectOption[];
  /** A first option with value "" (e.g. "Choose a channel…"). */
  placeholder?: string;
};

export function Select({ invalid, required, options, placeholder, className, children, ...props }: SelectProps) {
  const field = useFieldState();

  return (
    <div className={cn('relative', className)}>
      <HeadlessSelect
        invalid={invalid ?? field.invalid}
        required={required ?? field.required}
        className={cn(CONTROL, 'h-9 appearance-none pr-9 dark:[&_option]:bg-slate-900')}
        {...props}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options?.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
        {children}
      </HeadlessSelect>
      <ChevronDown className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-slate-500 dark:text-slate-400" />
    </div>
  );
}

'use client';

// A text input (any native type). Inside a Field it takes its label, descriptions,
// aria-invalid and required from the Field; alone, give it an aria-label.
import { Input as HeadlessInput } from '@headlessui/react';
import type { ComponentPropsWithRef } from 'react';
import { useFieldState } from './field';
import { cn, CONTROL } from './styles';

export type InputProps = Omit<ComponentPropsWithRef<'input'>, 'aria-describedby' | 'aria-labelledby'> & {
  /** Overrides the enclosing Field's error state. */
  invalid?: boolean;
};

export function Input({ invalid, required, className, ...props }: InputProps) {
  const field = useFieldState();

  return (
    <HeadlessInput
      invalid={invalid ?? field.invalid}
      required={required ?? field.required}
      className={cn(CONTROL, 'h-9', className)}
      {...props}
    />
  );
}

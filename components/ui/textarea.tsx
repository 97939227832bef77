'use client';

// A multi-line text input; same Field contract as Input.
import { Textarea as HeadlessTextarea } from '@headlessui/react';
import type { ComponentPropsWithRef } from 'react';
import { useFieldState } from './field';
import { cn, CONTROL } from './styles';

export type TextareaProps = Omit<ComponentPropsWithRef<'textarea'>, 'aria-describedby' | 'aria-labelledby'> & {
  invalid?: boolean;
};

export function Textarea({ invalid, required, rows = 3, className, ...props }: TextareaProps) {
  const field = useFieldState();

  return (
    <HeadlessTextarea
      invalid={invalid ?? field.invalid}
      required={required ?? field.required}
      rows={rows}
      className={cn(CONTROL, 'min-h-20 resize-y', className)}
      {...props}
    />
  );
}

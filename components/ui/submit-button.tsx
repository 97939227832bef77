'use client';

// A submit button that shows its form's pending state (React's useFormStatus): put it inside a
// <form action={serverAction}>; it disables itself and spins while the action runs.
import { useFormStatus } from 'react-dom';
import { Button, type ButtonProps } from './button';

export type SubmitButtonProps = Omit<ButtonProps, 'type'> & {
  /** Label while the form is submitting, e.g. "Saving…"; defaults to the normal label. */
  pendingLabel?: string;
};

export function SubmitButton({ pending, pendingLabel, children, ...props }: SubmitButtonProps) {
  const status = useFormStatus();
  const isPending = pending || status.pending;

  return (
    <Button type="submit" pending={isPending} {...props}>
      {isPending && pendingLabel ? pendingLabel : children}
    </Button>
  );
}

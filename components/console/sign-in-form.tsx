'use client';

import { Mail } from 'lucide-react';
import type { ActionResult } from '@/components/ui/action-result';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SubmitButton } from '@/components/ui/submit-button';
import { useConsoleAction } from './use-console-action';

export type SignInFormProps = {
  action: (previous: ActionResult | null, form: FormData) => Promise<ActionResult>;
};

export function SignInForm({ action }: SignInFormProps) {
  const { onSubmit, isPending, errors } = useConsoleAction(action);

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <Field label="Email address" error={errors.email}>
        <Input
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          placeholder="you@example.com"
          required
          autoFocus
        />
      </Field>
      <SubmitButton fullWidth icon={<Mail />} pendingLabel="Sending link…" pending={isPending}>
        Email me a sign-in link
      </SubmitButton>
    </form>
  );
}

'use client';

import { Ticket } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { FormDialog } from './form-dialog';
import type { ConsoleAction } from './use-console-action';

export type CreateInitialAccessTokenDialogProps = {
  tenantSlug: string;
  action: ConsoleAction<{ token: string; name: string }>;
};

/** Creates an initial access token (RFC 7591 §3); the token is shown once, like a client secret. */
export function CreateInitialAccessTokenDialog({ tenantSlug, action }: CreateInitialAccessTokenDialogProps) {
  const router = useRouter();

  return (
    <FormDialog
      trigger={{ label: 'Create token', icon: <Ticket /> }}
      title="Create an initial access token"
      description="A client presents it as a bearer token at the registration endpoint to register itself."
      action={action}
      submitLabel="Create token"
      pendingLabel="Creating…"
      size="lg"
      onSuccess={() => router.refresh()}
      renderSuccess={(created, close) =>
        created ? (
          <SecretReveal
            label="Initial access token"
            value={created.token}
            warning={
              <>
                <strong className="font-semibold">Copy the initial access token now.</strong> It will not be shown again: only a
                hash is stored. If it is lost, revoke it and create another.
              </>
            }
            footer={
              <Button variant="secondary" onClick={close}>
                Done
              </Button>
            }
          />
        ) : null
      }
    >
      {(errors) => (
        <>
          <input type="hidden" name="tenantSlug" value={tenantSlug} />
          <Field label="Name" description="Who or what it is for, e.g. “bank partners”." error={errors.name} required>
            <Input name="name" autoComplete="off" data-autofocus />
          </Field>
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="Expires in (seconds)" description="Empty: never expires." error={errors.expires_in}>
              <Input name="expires_in" type="number" min={60} inputMode="numeric" />
            </Field>
            <Field label="Registrations" description="Empty: no limit." error={errors.uses}>
              <Input name="uses" type="number" min={1} inputMode="numeric" />
            </Field>
          </div>
        </>
      )}
    </FormDialog>
  );
}

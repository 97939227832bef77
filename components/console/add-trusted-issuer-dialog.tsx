'use client';

import { Plus } from 'lucide-react';
import { useState } from 'react';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { FormDialog } from './form-dialog';
import type { ConsoleAction } from './use-console-action';

/** Adds a trusted issuer: its iss and its public keys, pasted (JWKS) or at a jwks_uri. */
export function AddTrustedIssuerDialog({ tenantSlug, action }: { tenantSlug: string; action: ConsoleAction }) {
  const [keysFrom, setKeysFrom] = useState<'jwks' | 'jwks_uri'>('jwks_uri');

  return (
    <FormDialog
      trigger={{ label: 'Add issuer', icon: <Plus /> }}
      title="Add trusted issuer"
      description="Its JWTs (actor_token) are accepted when signed by one of its public keys and addressed to this tenant."
      action={action}
      submitLabel="Add issuer"
      pendingLabel="Adding…"
    >
      {(errors) => (
        <>
          <input type="hidden" name="tenantSlug" value={tenantSlug} />
          <Field label="Issuer" description="The iss claim of its tokens." error={errors.issuer} required>
            <Input name="issuer" autoComplete="off" placeholder="https://agents.example" data-autofocus />
          </Field>
          <Field label="Keys" description="Where its public keys come from.">
            <Select
              name="keys_from"
              value={keysFrom}
              onChange={(event) => setKeysFrom(event.target.value === 'jwks' ? 'jwks' : 'jwks_uri')}
              options={[
                { value: 'jwks_uri', label: 'Fetched from a jwks_uri' },
                { value: 'jwks', label: 'Pasted JWKS' },
              ]}
            />
          </Field>
          {keysFrom === 'jwks_uri' ? (
            <Field label="jwks_uri" description="https; fetched and cached." error={errors.jwks_uri} required>
              <Input name="jwks_uri" type="url" autoComplete="off" placeholder="https://agents.example/jwks.json" />
            </Field>
          ) : (
            <Field label="JWKS" description='Public keys only: {"keys":[…]}.' error={errors.jwks} required>
              <Textarea name="jwks" rows={6} className="font-mono text-xs" spellCheck={false} />
            </Field>
          )}
        </>
      )}
    </FormDialog>
  );
}

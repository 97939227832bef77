'use client';

import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SettingsCard } from './settings-card';
import type { ConsoleAction } from './use-console-action';

export type UserCodeFormProps = {
  action: ConsoleAction;
  tenantSlug: string;
  userId: string;
  hasUserCode: boolean;
  /** The "Clear code" button (a confirmation), shown when a code is set. */
  clearButton?: React.ReactNode;
};

export function UserCodeForm({ action, tenantSlug, userId, hasUserCode, clearButton }: UserCodeFormProps) {
  return (
    <SettingsCard
      title="User code"
      description={
        hasUserCode
          ? 'A code is set. Only its hash is stored, so it cannot be shown; set a new one to replace it.'
          : 'No code is set. A user code is a secret the user tells the client, which sends it as user_code (CIBA §7.1).'
      }
      action={action}
      hidden={{ tenantSlug, userId }}
      submitLabel={hasUserCode ? 'Replace code' : 'Set code'}
      footerExtra={hasUserCode ? clearButton : null}
    >
      {(errors) => (
        <Field label={hasUserCode ? 'New user code' : 'User code'} description="4–64 printable characters." error={errors.code}>
          <Input name="code" type="password" autoComplete="new-password" />
        </Field>
      )}
    </SettingsCard>
  );
}

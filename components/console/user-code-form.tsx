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
  /** Until when the code is locked after 5 wrong codes in a row (UserView.user_code_locked_until), or null. */
  lockedUntil?: string | null;
  /** The "Clear code" button (a confirmation), shown when a code is set. */
  clearButton?: React.ReactNode;
};

export function UserCodeForm({ action, tenantSlug, userId, hasUserCode, lockedUntil, clearButton }: UserCodeFormProps) {
  const lock = lockedUntil
    ? ` Locked until ${lockedUntil.slice(0, 16).replace('T', ' ')} UTC after 5 wrong codes in a row: every request with it is refused until then, or until a new code is set.`
    : '';

  return (
    <SettingsCard
      title="User code"
      description={
        hasUserCode
          ? `A code is set. Only its slow hash is stored, so it cannot be shown; set a new one to replace it (the user can also set their own at /t/${tenantSlug}/user-code).${lock}`
          : `No code is set. A user code is a secret the user tells the client, which sends it as user_code (CIBA §7.1.2). The user can set their own at /t/${tenantSlug}/user-code.`
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

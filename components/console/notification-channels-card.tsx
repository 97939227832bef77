'use client';

import type { ReactNode } from 'react';
import { Switch } from '@/components/ui/switch';
import { NumberField } from './number-field';
import { SettingsCard } from './settings-card';
import type { ConsoleAction, FieldErrors } from './use-console-action';

export type NotificationChannelsCardProps = {
  tenantSlug: string;
  emailEnabled: boolean;
  pushEnabled: boolean;
  emailFallbackSeconds: number;
  fallbackBounds: { min: number; max: number };
  action: ConsoleAction;
};

function FieldError({ errors, name }: { errors: FieldErrors; name: string }): ReactNode {
  const messages = errors[name];

  return messages ? (
    <p id={`${name}-error`} className="text-sm text-red-700 dark:text-red-400">
      {messages.join(' ')}
    </p>
  ) : null;
}

/**
 * The tenant's notification channels and their order (lib/ciba/notification-channels.ts):
 * one form over updateTenant, each refusal shown under its setting.
 */
export function NotificationChannelsCard(props: NotificationChannelsCardProps) {
  return (
    <SettingsCard
      title="Notification channels"
      description="How users are asked to approve a request. With both on, a user with an enrolled authenticator is pushed first and emailed after the delay if the request is still pending; everyone else is emailed at once."
      action={props.action}
      hidden={{ tenantSlug: props.tenantSlug }}
    >
      {(errors) => (
        <>
          <div className="space-y-2">
            <Switch
              name="email_channel_enabled"
              label="Email"
              description="A single-use approval link by email."
              defaultChecked={props.emailEnabled}
            />
            <FieldError errors={errors} name="email_channel_enabled" />
          </div>
          <div className="space-y-2">
            <Switch
              name="push_channel_enabled"
              label="Push"
              description="A Web Push notification to each authenticator the user enrolled; approval there needs their passkey. Users without one are emailed."
              defaultChecked={props.pushEnabled}
            />
            <FieldError errors={errors} name="push_channel_enabled" />
          </div>
          <div className="max-w-xs">
            <NumberField
              name="email_fallback_seconds"
              label="Email after a push (seconds)"
              description="0 sends the email with the push."
              value={props.emailFallbackSeconds}
              bounds={props.fallbackBounds}
              errors={errors}
            />
          </div>
        </>
      )}
    </SettingsCard>
  );
}

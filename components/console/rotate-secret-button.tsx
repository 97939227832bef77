'use client';

import { RefreshCw } from 'lucide-react';
import { useState } from 'react';
import type { ActionResult } from '@/components/ui/action-result';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { toastResult } from '@/components/ui/toast';
import { NewSecretDialog } from './new-secret-dialog';

export type RotateSecretButtonProps = {
  tenantSlug: string;
  clientId: string;
  action: (tenantSlug: string, clientId: string) => Promise<ActionResult<{ client_secret: string }>>;
};

export function RotateSecretButton({ tenantSlug, clientId, action }: RotateSecretButtonProps) {
  const [secret, setSecret] = useState<string | null>(null);

  return (
    <>
      <ConfirmDialog
        trigger={{ label: 'Rotate secret', icon: <RefreshCw />, variant: 'secondary' }}
        title="Rotate the client secret?"
        description="A new secret is created and the current one stops working at once: the application fails until it is configured with the new secret."
        confirmLabel="Rotate secret"
        onConfirm={async () => {
          const result = await action(tenantSlug, clientId);
          toastResult(result);
          if (!result.ok || !result.data) return false;
          setSecret(result.data.client_secret);

          return true;
        }}
      />
      <NewSecretDialog secret={secret} description="The previous secret no longer works." onClose={() => setSecret(null)} />
    </>
  );
}

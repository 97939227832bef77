'use client';

import { RefreshCw } from 'lucide-react';
import { useState } from 'react';
import type { ActionResult } from '@/components/ui/action-result';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { SecretReveal } from '@/components/ui/secret-reveal';
import { toastResult } from '@/components/ui/toast';

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
      <Dialog
        open={secret !== null}
        onClose={() => setSecret(null)}
        title="New client secret"
        description="The previous secret no longer works."
        size="lg"
      >
        {secret ? (
          <SecretReveal
            label="Client secret"
            value={secret}
            footer={
              <Button variant="secondary" onClick={() => setSecret(null)}>
                Done
              </Button>
            }
          />
        ) : null}
      </Dialog>
    </>
  );
}

'use client';

import { Trash2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult } from '@/components/ui/action-result';
import { Checkbox } from '@/components/ui/checkbox';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { toastResult } from '@/components/ui/toast';

export type DeleteTenantButtonProps = {
  slug: string;
  action: (slug: string, force: boolean) => Promise<ActionResult>;
};

export function DeleteTenantButton({ slug, action }: DeleteTenantButtonProps) {
  const router = useRouter();
  const [force, setForce] = useState(false);

  return (
    <ConfirmDialog
      trigger={{ label: 'Delete tenant', icon: <Trash2 />, variant: 'danger' }}
      title={`Delete tenant ${slug}?`}
      description="Its applications, users, signing keys, requests and events are deleted with it. Clients using its issuer stop working at once. This cannot be undone."
      confirmLabel="Delete tenant"
      confirmationText={slug}
      onConfirm={async () => {
        const result = await action(slug, force);
        toastResult(result);
        if (!result.ok) return false;
        router.push('/admin');

        return true;
      }}
    >
      <Checkbox
        label="Delete even while requests are pending"
        description="Their clients' next polls fail."
        checked={force}
        onChange={setForce}
      />
    </ConfirmDialog>
  );
}

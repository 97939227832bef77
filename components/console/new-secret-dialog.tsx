'use client';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { SecretReveal } from '@/components/ui/secret-reveal';

export type NewSecretDialogProps = {
  /** The new client secret, shown this once; null: the dialog is closed. */
  secret: string | null;
  /** What happened to the application's credentials. */
  description: string;
  onClose: () => void;
};

/** A new client secret, shown once (rotation, or a switch to a client_secret_* method). */
export function NewSecretDialog({ secret, description, onClose }: NewSecretDialogProps) {
  return (
    <Dialog open={secret !== null} onClose={onClose} title="New client secret" description={description} size="lg">
      {secret ? (
        <SecretReveal
          label="Client secret"
          value={secret}
          footer={
            <Button variant="secondary" onClick={onClose}>
              Done
            </Button>
          }
        />
      ) : null}
    </Dialog>
  );
}

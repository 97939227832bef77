'use client';
import { Trash2 } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { describeFailure, postJson } from './app-fetch';

export function RevokeDeviceButton({
  deviceId,
  deviceName,
  current,
}: {
  deviceId: string;
  deviceName: string;
  current: boolean;
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const revoke = async () => {
    const question = current
      ? `Revoke this device (${deviceName})? You will be signed out and need a new enrolment link to use it again.`
      : `Revoke ${deviceName}? Its passkey will no longer approve anything.`;
    if (!window.confirm(question)) return;
    setPending(true);
    setError(null);
    const reply = await postJson('/authenticator/api/devices/revoke', { device_id: deviceId }).catch(() => null);
    setPending(false);
    if (!reply?.ok) {
      setError(describeFailure(reply));

      return;
    }
    router.push('/authenticator/devices');
    router.refresh();
  };

  return (
    <div>
      <Button
        variant="danger"
        size="sm"
        icon={<Trash2 />}
        pending={pending}
        onClick={() => void revoke()}
        aria-label={`Revoke ${deviceName}`}
      >
        Revoke
      </Button>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

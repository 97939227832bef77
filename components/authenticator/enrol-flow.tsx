'use client';
// The enrolment page's steps: create a passkey (discoverable, user verification) bound to the emailed link,
// then offer notifications, then open the app.
import { startRegistration } from '@simplewebauthn/browser';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/types';
import { ArrowRight, Fingerprint } from 'lucide-react';
import { useState } from 'react';
import { ButtonLink } from '@/components/ui/button-link';
import { Button } from '@/components/ui/button';
import { describeFailure, postJson, type AppReply } from './app-fetch';
import { PushSetup } from './push-setup';

/** A name for this device from the browser's own description (no fingerprinting beyond the user agent). */
const guessDeviceName = (): string => {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrome\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : 'Browser';
  const platform = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Mac OS X/.test(agent)
        ? 'macOS'
        : /Windows/.test(agent)
          ? 'Windows'
          : /Linux/.test(agent)
            ? 'Linux'
            : 'this device';

  return `${browser} on ${platform}`;
};

export function EnrolFlow({ token, vapidPublicKey }: { token: string; vapidPublicKey: string }) {
  const [step, setStep] = useState<'passkey' | 'notifications'>('passkey');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const enrol = async () => {
    setPending(true);
    setError(null);
    let reply: AppReply | null = null;
    try {
      reply = await postJson('/authenticator/api/enrol/options', { token });
      if (!reply.ok) throw new Error('options');
      const response = await startRegistration(reply.json as unknown as PublicKeyCredentialCreationOptionsJSON);
      reply = await postJson('/authenticator/api/enrol', { token, response, name: guessDeviceName() });
      if (!reply.ok) throw new Error('enrol');
      setStep('notifications');
    } catch (caught) {
      setError(describeFailure(reply?.ok ? null : reply, caught));
    } finally {
      setPending(false);
    }
  };

  if (step === 'notifications') {
    return (
      <div className="space-y-5" data-testid="enrolled">
        <p role="status" className="font-medium text-emerald-700 dark:text-emerald-400">
          This device is enrolled. You approve sign-ins here with your screen lock.
        </p>
        <PushSetup vapidPublicKey={vapidPublicKey} subscribed={false} />
        <ButtonLink href="/authenticator" size="lg" fullWidth icon={<ArrowRight />}>
          Open the authenticator
        </ButtonLink>
      </div>
    );
  }

  return (
    <div>
      <Button size="lg" fullWidth icon={<Fingerprint />} pending={pending} onClick={() => void enrol()}>
        Create a passkey on this device
      </Button>
      {error ? (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

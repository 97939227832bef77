'use client';
// Signs in to the app with a discoverable passkey (user verification required), then reloads the page signed in.
import { startAuthentication } from '@simplewebauthn/browser';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/types';
import { KeyRound } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { describeFailure, postJson, type AppReply } from './app-fetch';

export function SignInButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const signIn = async () => {
    setPending(true);
    setError(null);
    let reply: AppReply | null = null;
    try {
      reply = await postJson('/authenticator/api/sign-in/options');
      if (!reply.ok) throw new Error('options');
      const options = reply.json as unknown as PublicKeyCredentialRequestOptionsJSON;
      const response = await startAuthentication(options);
      reply = await postJson('/authenticator/api/sign-in', { challenge: options.challenge, response });
      if (!reply.ok) throw new Error('sign-in');
      router.refresh();
    } catch (caught) {
      setError(describeFailure(reply?.ok ? null : reply, caught));
    } finally {
      setPending(false);
    }
  };

  return (
    <div>
      <Button size="lg" fullWidth icon={<KeyRound />} pending={pending} onClick={() => void signIn()}>
        Sign in with your passkey
      </Button>
      {error ? (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

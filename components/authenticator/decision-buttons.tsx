'use client';
// Approve / Deny on the request screen: each asks for a passkey assertion whose challenge is bound to this
// request, this decision and the ticked items (the server derives it), then sends it to be verified.
import { startAuthentication } from '@simplewebauthn/browser';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/types';
import { CircleCheck, CircleX } from 'lucide-react';
import { useState } from 'react';
import { ButtonLink } from '@/components/ui/button-link';
import { Button } from '@/components/ui/button';
import { describeFailure, postJson, type AppReply } from './app-fetch';

type Decision = 'approve' | 'deny';

export function DecisionButtons({ requestId, formId }: { requestId: string; formId: string }) {
  const [pending, setPending] = useState<Decision | null>(null);
  const [done, setDone] = useState<'approved' | 'denied' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const decide = async (decision: Decision) => {
    setPending(decision);
    setError(null);
    const form = document.getElementById(formId);
    const items = form instanceof HTMLFormElement ? new FormData(form).getAll('item').map((value) => Number(value)) : [];
    const base = `/authenticator/api/requests/${encodeURIComponent(requestId)}`;
    let reply: AppReply | null = null;
    try {
      reply = await postJson(`${base}/options`, { decision, items });
      if (!reply.ok) throw new Error('options');
      const response = await startAuthentication(reply.json as unknown as PublicKeyCredentialRequestOptionsJSON);
      reply = await postJson(`${base}/decision`, { decision, items, response });
      if (!reply.ok) throw new Error('decision');
      setDone(reply.json.status === 'approved' ? 'approved' : 'denied');
    } catch (caught) {
      setError(describeFailure(reply?.ok ? null : reply, caught));
    } finally {
      setPending(null);
    }
  };

  if (done) {
    return (
      <div className="mt-7 space-y-4" role="status" data-testid="decision-done">
        <p className="text-lg font-semibold text-slate-900 dark:text-white">
          {done === 'approved' ? 'Approved. The sign-in continues on the other device.' : 'Denied. Nothing was shared.'}
        </p>
        <ButtonLink href="/authenticator" variant="secondary" fullWidth>
          Back to requests
        </ButtonLink>
      </div>
    );
  }

  return (
    <div className="mt-7">
      <div className="grid grid-cols-2 gap-3">
        <Button
          variant="secondary"
          size="lg"
          icon={<CircleX />}
          pending={pending === 'deny'}
          disabled={pending !== null}
          onClick={() => void decide('deny')}
        >
          Deny
        </Button>
        <Button
          size="lg"
          icon={<CircleCheck />}
          pending={pending === 'approve'}
          disabled={pending !== null}
          onClick={() => void decide('approve')}
        >
          Approve
        </Button>
      </div>
      {error ? (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}

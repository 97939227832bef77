'use client';

// The Approve/Deny buttons of the emailed approval page when approving needs the user's passkey
// (lib/ciba/passkey-step.ts). Approve first asks the browser for a WebAuthn assertion
// (@simplewebauthn/browser startAuthentication: the user's enrolled credentials, user verification
// required) over the decision's challenge (decisionChallenge: this request, "approve", its binding
// message and details, and the items ticked right now), puts it in the form and submits. The server
// recomputes the challenge from the stored request; it never trusts this one. Deny needs no passkey.
import { startAuthentication } from '@simplewebauthn/browser';
import type { AuthenticatorTransportFuture } from '@simplewebauthn/types';
import { Fingerprint, TriangleAlert } from 'lucide-react';
import { useRef, useState, type MouseEvent } from 'react';
import { decisionChallengeInBrowser } from '@/lib/authenticator/decision-challenge-browser';
import { Button } from '@/components/ui/button';

export type PasskeyDecisionProps = {
  requestId: string;
  bindingMessage: string | null;
  /** The request's authorization_details as stored (JSON text), or null. */
  storedAuthorizationDetails: string | null;
  /** Indexes of the items that may not be left out (granted with every approval). */
  requiredItems: number[];
  /** Whether the request has authorization_details items at all. */
  hasItems: boolean;
  /** The user's enrolled passkeys (allowCredentials). */
  credentials: { id: string; transports: AuthenticatorTransportFuture[] }[];
  rpId: string;
  /** The server's message from the last attempt (`?passkey=`), or null. */
  initialError: string | null;
  /** False when the user has no enrolled device left: only Deny remains. */
  canApprove: boolean;
};

/** What the user reads when the browser's passkey prompt fails (nothing was sent). */
const browserErrorMessage = (error: unknown): string => {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') {
    return 'The passkey prompt was closed or timed out, so nothing was approved. Choose Approve to try again.';
  }
  if (name === 'NotSupportedError' || (error instanceof Error && /does not support WebAuthn/i.test(error.message))) {
    return 'This browser cannot use passkeys, so it cannot approve this request. Open the link in a browser on the device where you enrolled your passkey.';
  }
  if (name === 'SecurityError') {
    return 'The browser refused to use your passkey on this address. Open the link exactly as it appears in the email.';
  }

  return 'Your passkey could not be used, so nothing was approved. Choose Approve to try again.';
};

export function PasskeyDecision(props: PasskeyDecisionProps) {
  const assertionRef = useRef<HTMLInputElement>(null);
  // The decision sent with a scripted submit: the Approve button itself is disabled while pending,
  // and a disabled submitter's value is not submitted.
  const decisionRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(props.initialError);
  const [pending, setPending] = useState(false);

  const approve = async (event: MouseEvent<HTMLButtonElement>) => {
    const form = event.currentTarget.form;
    if (!form || !assertionRef.current || !decisionRef.current) return;
    event.preventDefault();
    setError(null);
    const ticked = [...form.querySelectorAll<HTMLInputElement>('input[name="item"]:checked')].map((input) => Number(input.value));
    const grantedItems = props.hasItems ? [...new Set([...props.requiredItems, ...ticked])] : null;
    setPending(true);
    try {
      // Nothing granted: the server answers "nothing selected" without asking for a passkey.
      if (grantedItems === null || grantedItems.length > 0) {
        const challenge = await decisionChallengeInBrowser({
          requestId: props.requestId,
          decision: 'approve',
          bindingMessage: props.bindingMessage,
          authorizationDetails: props.storedAuthorizationDetails,
          grantedItems,
        });
        const assertion = await startAuthentication({
          challenge,
          rpId: props.rpId,
          allowCredentials: props.credentials.map((credential) => ({
            id: credential.id,
            type: 'public-key',
            transports: credential.transports.length > 0 ? credential.transports : undefined,
          })),
          userVerification: 'required',
          timeout: 120_000,
        });
        assertionRef.current.value = JSON.stringify(assertion);
      }
      decisionRef.current.disabled = false;
      form.requestSubmit();
    } catch (caught) {
      setPending(false);
      setError(browserErrorMessage(caught));
    }
  };

  return (
    <>
      <input ref={assertionRef} type="hidden" name="passkey_assertion" defaultValue="" />
      <input ref={decisionRef} type="hidden" name="decision" defaultValue="approve" disabled />
      <div aria-live="assertive" aria-atomic="true">
        {error ? (
          <div
            role="alert"
            data-testid="passkey-error"
            className="mt-6 flex gap-3 rounded-xl bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200 ring-inset dark:bg-red-400/10 dark:text-red-100 dark:ring-red-400/30"
          >
            <TriangleAlert className="mt-0.5 size-5 shrink-0 text-red-600 dark:text-red-400" />
            <p>{error}</p>
          </div>
        ) : null}
      </div>
      <div className="mt-7 grid grid-cols-2 gap-3">
        <Button type="submit" name="decision" value="deny" variant="secondary" size="lg">
          Deny
        </Button>
        <Button
          type="submit"
          name="decision"
          value="approve"
          variant="primary"
          size="lg"
          disabled={!props.canApprove}
          pending={pending}
          icon={<Fingerprint />}
          onClick={(event) => void approve(event)}
        >
          Approve<span className="sr-only"> with passkey</span>
        </Button>
      </div>
    </>
  );
}

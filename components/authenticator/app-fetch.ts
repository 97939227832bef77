// The authenticator app's calls to its own JSON endpoints (app/authenticator/api/…): same-origin POSTs of JSON.

export type AppReply = { ok: boolean; status: number; json: Record<string, unknown> };

export const postJson = async (path: string, body: unknown = {}): Promise<AppReply> => {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }

  return { ok: response.ok, status: response.status, json };
};

/** What to tell the user when an endpoint refused (its error_description), or a WebAuthn prompt was dismissed. */
export const describeFailure = (reply: AppReply | null, error?: unknown): string => {
  if (error instanceof Error && error.name === 'NotAllowedError')
    return 'The passkey prompt was dismissed or timed out. Try again.';
  if (reply && typeof reply.json.error_description === 'string') return reply.json.error_description;

  return 'Something went wrong. Check your connection and try again.';
};

/** base64url → the Uint8Array PushManager.subscribe wants as applicationServerKey. */
export const base64UrlToBytes = (value: string): Uint8Array<ArrayBuffer> => {
  const base64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);

  return bytes;
};

/**
 * Registers the app's service worker (scope /authenticator, so the home page without a trailing slash is
 * controlled too; the script's Service-Worker-Allowed header permits it) and resolves once it is active;
 * null without support.
 */
export const registerServiceWorker = async (): Promise<ServiceWorkerRegistration | null> => {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.register('/authenticator/sw.js', { scope: '/authenticator' });
  const pending = registration.installing ?? registration.waiting;
  if (!registration.active && pending) {
    await new Promise<void>((resolve) => {
      pending.addEventListener('statechange', () => {
        if (pending.state === 'activated' || pending.state === 'redundant') resolve();
      });
    });
  }

  return registration;
};

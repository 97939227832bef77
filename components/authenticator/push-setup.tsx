'use client';
// Asks for notification permission and subscribes this device to Web Push with the installation's VAPID key;
// the subscription goes to the server. Without push the app still works: the user opens it to see pending requests.
import { Bell, BellOff, Check } from 'lucide-react';
import { useState, useSyncExternalStore } from 'react';
import { Button } from '@/components/ui/button';
import { base64UrlToBytes, postJson, registerServiceWorker } from './app-fetch';

type State = 'unknown' | 'unsupported' | 'denied' | 'off' | 'on' | 'working';

/** What the platform allows now: no push support, or the notification permission. 'unknown' while rendering on the server. */
const platformSnapshot = (): 'unsupported' | NotificationPermission =>
  !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)
    ? 'unsupported'
    : Notification.permission;

const noSubscription = () => () => {};

export function PushSetup({ vapidPublicKey, subscribed }: { vapidPublicKey: string; subscribed: boolean }) {
  const platform = useSyncExternalStore(noSubscription, platformSnapshot, () => 'unknown' as const);
  const [override, setState] = useState<State | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const state: State =
    override ??
    (platform === 'unknown'
      ? 'unknown'
      : platform === 'unsupported' || platform === 'denied'
        ? platform
        : subscribed && platform === 'granted'
          ? 'on'
          : 'off');

  const enable = async () => {
    setState('working');
    setMessage(null);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        setState(permission === 'denied' ? 'denied' : 'off');

        return;
      }
      const registration = await registerServiceWorker();
      if (!registration) throw new Error('no service worker');
      const subscription =
        (await registration.pushManager.getSubscription()) ??
        (await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: base64UrlToBytes(vapidPublicKey),
        }));
      const reply = await postJson('/authenticator/api/push-subscription', { subscription: subscription.toJSON() });
      if (!reply.ok) throw new Error(typeof reply.json.error_description === 'string' ? reply.json.error_description : 'refused');
      setState('on');
    } catch (error) {
      setState('off');
      setMessage(
        error instanceof Error && error.message
          ? `Notifications could not be turned on: ${error.message}`
          : 'Notifications could not be turned on.',
      );
    }
  };

  if (state === 'unknown') return null;

  return (
    <div
      className="rounded-xl bg-slate-50 px-4 py-3 text-sm ring-1 ring-slate-200 ring-inset dark:bg-white/5 dark:ring-white/10"
      data-testid="push-setup"
    >
      {state === 'on' ? (
        <p className="flex items-center gap-2 text-slate-700 dark:text-slate-300">
          <Check aria-hidden="true" className="size-4 text-emerald-600 dark:text-emerald-400" /> Notifications are on for this
          device.
        </p>
      ) : state === 'unsupported' || state === 'denied' ? (
        <p className="flex items-start gap-2 text-slate-700 dark:text-slate-300">
          <BellOff aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-slate-500" />
          {state === 'denied'
            ? 'Notifications are blocked for this site. Open this app to see new requests, or allow notifications in the browser settings.'
            : 'This browser cannot receive notifications. Open this app to see new requests.'}
        </p>
      ) : (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-slate-700 dark:text-slate-300">Get a notification when a sign-in request arrives.</p>
          <Button variant="secondary" icon={<Bell />} pending={state === 'working'} onClick={() => void enable()}>
            Turn on notifications
          </Button>
        </div>
      )}
      {message ? (
        <p role="alert" className="mt-2 text-amber-800 dark:text-amber-300">
          {message}
        </p>
      ) : null}
    </div>
  );
}

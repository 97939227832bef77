'use client';
// Registers the app's service worker on every app page (notifications and the offline shell).
import { useEffect } from 'react';
import { registerServiceWorker } from './app-fetch';

export function ServiceWorkerRegistration() {
  useEffect(() => {
    registerServiceWorker().catch(() => {
      // Without a service worker the app still works online; notifications just do not arrive.
    });
  }, []);

  return null;
}

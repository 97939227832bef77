// GET /authenticator/sw.js – the app's service worker (scope /authenticator: the home has no trailing slash): notifications and the offline shell
export const dynamic = 'force-static';

/**
 * Push payload (agreed with the Web Push sender): JSON `{"title","body","url","request_id"}`;
 * `url` must be this origin's /authenticator/… page, otherwise the request screen is built from request_id.
 */
const SERVICE_WORKER = String.raw`
const SHELL_CACHE = 'backchannel-authenticator-shell-v1';
const OFFLINE_URL = '/authenticator/offline';
const APP_PREFIX = '/authenticator/';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.add(new Request(OFFLINE_URL, { cache: 'reload' })))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== SHELL_CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// Pages always come from the network (they show live requests); offline, the cached shell says so.
self.addEventListener('fetch', (event) => {
  if (event.request.mode !== 'navigate') return;
  event.respondWith(fetch(event.request).catch(() => caches.match(OFFLINE_URL)));
});

const appUrlOf = (data) => {
  try {
    const url = new URL(data.url, self.location.origin);
    if (url.origin === self.location.origin && url.pathname.startsWith(APP_PREFIX)) return url.href;
  } catch (error) {}
  if (typeof data.request_id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(data.request_id)) {
    return new URL(APP_PREFIX + 'requests/' + data.request_id, self.location.origin).href;
  }
  return new URL(APP_PREFIX, self.location.origin).href;
};

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const title = typeof data.title === 'string' && data.title ? data.title : 'Sign-in request';
  const body = typeof data.body === 'string' ? data.body : 'Open the authenticator to approve or deny.';
  event.waitUntil(
    self.registration.showNotification(title, {
      body,
      tag: typeof data.request_id === 'string' ? 'request-' + data.request_id : 'backchannel',
      requireInteraction: true,
      data: { url: appUrlOf(data) },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || new URL(APP_PREFIX, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target && 'focus' in client) return client.focus();
      }
      for (const client of windows) {
        const path = new URL(client.url).pathname;
        if ((path === '/authenticator' || path.startsWith(APP_PREFIX)) && 'navigate' in client) {
          return client.navigate(target).then((navigated) => (navigated ? navigated.focus() : self.clients.openWindow(target)));
        }
      }
      return self.clients.openWindow(target);
    }),
  );
});
`;

export function GET(): Response {
  return new Response(SERVICE_WORKER, {
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      // Browsers check for a new worker at least daily; never cache it longer.
      'Cache-Control': 'no-cache',
      'Service-Worker-Allowed': '/authenticator',
    },
  });
}

import { getEnv } from '@/lib/env';

/**
 * Where the authenticator app shows one request: the `url` of a Web Push
 * notification (payload `{"title","body","url","request_id"}`, shown by the
 * service worker, which opens or focuses this URL on click).
 */
export const authenticatorRequestPath = (requestId: string): string => `/authenticator/requests/${encodeURIComponent(requestId)}`;

export const authenticatorRequestUrl = (requestId: string): string => `${getEnv().appUrl}${authenticatorRequestPath(requestId)}`;

/** The Web Push payload the service worker understands (public/… sw: app/authenticator/sw.js/route.ts). */
export type AuthenticatorPushPayload = { title: string; body: string; url: string; request_id: string };

import type { InProcessProtocolAnswer } from '@/lib/http/call-protocol-endpoint-in-process';

/**
 * An OAuth error answer of a Try it call, as a value the console shows: the
 * endpoint's `error` and `error_description` exactly (CIBA §11, §13), and the
 * new `interval` of a slow_down.
 */
export type TryItOAuthError = { ok: false; status: number; error: string; error_description: string | null; interval?: number };

/** The OAuth error an endpoint answered, as a TryItOAuthError. */
export const tryItOAuthErrorOf = ({ status, body }: InProcessProtocolAnswer): TryItOAuthError => ({
  ok: false,
  status,
  error: typeof body.error === 'string' ? body.error : 'server_error',
  error_description: typeof body.error_description === 'string' ? body.error_description : null,
  ...(typeof body.interval === 'number' ? { interval: body.interval } : {}),
});

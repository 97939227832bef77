import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { checkNotificationEndpoint, resolvableHost, type ResolveHost } from '@/lib/ciba/notification-endpoint';

/** A callback must be connected to within this. */
export const CALLBACK_CONNECT_TIMEOUT_MS = 3_000;
/** … and answered (status line and the body we read) within this. */
export const CALLBACK_RESPONSE_TIMEOUT_MS = 5_000;
/** At most this much of a response body is read (it is only kept for the record). */
export const CALLBACK_RESPONSE_BODY_LIMIT = 4_096;

export type CallbackAttemptResult =
  /** The endpoint answered 2xx. */
  | { kind: 'delivered'; status: number }
  /** Final: a 3xx (never followed) or a 4xx, or an endpoint that is not allowed (any more). */
  | { kind: 'refused'; error: string }
  /** Worth retrying: a 5xx, a timeout, a connection failure. */
  | { kind: 'unavailable'; error: string };

export type PostCallbackOptions = {
  endpoint: string;
  bearerToken: string;
  body: string;
  /** The outbox message id: sent as `Idempotency-Key`, the same on every attempt, so a receiver can drop a repeat. */
  idempotencyKey: string;
  allowHttpLoopback: boolean;
  resolve?: ResolveHost;
};

const describe = (error: unknown): string => {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);

  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
};

/** Reads at most CALLBACK_RESPONSE_BODY_LIMIT bytes of the body, then stops reading. */
const readLimited = (response: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, CALLBACK_RESPONSE_BODY_LIMIT));
    response.on('data', (chunk: Buffer) => {
      if (size >= CALLBACK_RESPONSE_BODY_LIMIT) return;
      chunks.push(chunk.subarray(0, CALLBACK_RESPONSE_BODY_LIMIT - size));
      size += chunk.length;
      if (size >= CALLBACK_RESPONSE_BODY_LIMIT) {
        response.destroy();
        finish();
      }
    });
    response.on('end', finish);
    response.on('error', finish);
    response.on('close', finish);
  });

/**
 * One POST of a ping or push callback (CIBA §10.2, §10.3): JSON body, the
 * client's `Authorization: Bearer <client_notification_token>`. The endpoint
 * is checked again now (lib/ciba/notification-endpoint.ts) and the request
 * connects to the very address that check approved, so a name re-pointed at
 * an internal address since registration (DNS rebinding) is refused. Redirects
 * are never followed; connect and response timeouts are short and at most
 * CALLBACK_RESPONSE_BODY_LIMIT bytes of the answer are read. Never throws.
 */
export const postCallback = async (options: PostCallbackOptions): Promise<CallbackAttemptResult> => {
  const checked = await checkNotificationEndpoint(options.endpoint, {
    allowHttpLoopback: options.allowHttpLoopback,
    resolve: options.resolve,
  });
  if (!checked.ok) return { kind: 'refused', error: `notification endpoint refused: ${checked.problem}` };
  const { url, addresses } = checked;
  const host = resolvableHost(url);
  const body = Buffer.from(options.body, 'utf8');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve) => {
    let settled = false;
    const done = (result: CallbackAttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(responseTimer);
      resolve(result);
    };
    const request = send({
      // The address the check approved, not the name again: what was checked is what is connected to.
      host: addresses[0],
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      // TLS still verifies the certificate for the name.
      ...(url.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
      headers: {
        host: url.host,
        authorization: `Bearer ${options.bearerToken}`,
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': 'Backchannel-CIBA-callback',
        'idempotency-key': options.idempotencyKey,
      },
      agent: false,
    });
    const connectTimer = setTimeout(() => {
      request.destroy(new Error(`no connection within ${CALLBACK_CONNECT_TIMEOUT_MS} ms`));
    }, CALLBACK_CONNECT_TIMEOUT_MS);
    const responseTimer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${CALLBACK_RESPONSE_TIMEOUT_MS} ms`));
    }, CALLBACK_RESPONSE_TIMEOUT_MS);
    request.once('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    request.once('error', (error) => {
      clearTimeout(connectTimer);
      done({ kind: 'unavailable', error: describe(error) });
    });
    request.once('response', (response) => {
      clearTimeout(connectTimer);
      const status = response.statusCode ?? 0;
      void readLimited(response).then((text) => {
        const excerpt = text.trim() === '' ? '' : `: ${text.trim().slice(0, 200)}`;
        if (status >= 200 && status < 300) done({ kind: 'delivered', status });
        else if (status >= 300 && status < 400) {
          done({ kind: 'refused', error: `HTTP ${status} (redirects are never followed)` });
        } else if (status >= 400 && status < 500) done({ kind: 'refused', error: `HTTP ${status}${excerpt}` });
        else done({ kind: 'unavailable', error: `HTTP ${status}${excerpt}` });
      });
    });
    request.end(body);
  });
};

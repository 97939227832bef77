import { log } from '@/lib/log';
import { OAuthError, type OAuthErrorCode } from '@/lib/oauth/errors';

/** Where a failed protocol request came in: never its headers or body. */
export type ProtocolLogContext = { requestId: string | undefined; method: string; path: string; tenant: string | undefined };

/** Failed authentication and bad or replayed grants: worth a look when they pile up. */
const WARN_CODES: ReadonlySet<OAuthErrorCode> = new Set(['invalid_client', 'invalid_grant', 'invalid_token']);

/** Every pending poll answers authorization_pending: logged only when debugging. */
const DEBUG_CODES: ReadonlySet<OAuthErrorCode> = new Set(['authorization_pending']);

const levelOf = (code: OAuthErrorCode) => (WARN_CODES.has(code) ? 'warn' : DEBUG_CODES.has(code) ? 'debug' : 'info');

/**
 * Logs why a protocol request failed. An OAuthError is logged with its code,
 * status, public description and private `detail` (the reason the client is
 * never told) at warn, info or debug (see WARN_CODES, DEBUG_CODES); anything
 * else at error with its stack. Nothing the client sent is logged beyond the
 * method and path.
 */
export const logProtocolError = (error: unknown, context: ProtocolLogContext): void => {
  if (!(error instanceof OAuthError)) {
    log.error({ ...context, err: error }, 'unexpected error in a protocol endpoint');

    return;
  }
  const { error: code, status, description, detail } = error;
  const level = levelOf(code);
  // Every pending poll comes through here: build nothing when the level is off.
  if (!log.isLevelEnabled(level)) return;
  log[level]({ ...context, error: code, status, description, detail }, `protocol request failed: ${code}`);
};

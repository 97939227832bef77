import { pino, type DestinationStream, type Logger } from 'pino';
import { getBaseEnv, type LogLevel } from '@/lib/env';

/** Property names whose values never reach a log line, at the top level or nested up to two objects deep. */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'secret',
  'client_secret',
  'client_assertion',
  'login_hint_token',
  'auth_req_id',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
] as const;

const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const property = `[${JSON.stringify(key)}]`;

  return [property, `*${property}`, `*.*${property}`];
});

/**
 * A JSON logger with the app's redaction of secrets (a `[redacted]` value
 * for every key in SECRET_KEYS) and ISO timestamps. Errors go under `err`
 * (message, type and stack). `destination` defaults to stderr, written
 * synchronously: stdout stays free for what a command prints (the CLI's
 * `--json` document), and nothing is lost when the process exits.
 */
export const createLogger = (options: { level: LogLevel; destination?: DestinationStream }): Logger =>
  pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );

/**
 * The process's root logger: one JSON line per event on stderr at LOG_LEVEL
 * (default info; silent under vitest unless LOG_LEVEL is set). Add context
 * with `log.child({ ... })`; never log request bodies, secrets or tokens —
 * redaction is a safety net, not a licence.
 */
export const log: Logger = createLogger({ level: getBaseEnv().logLevel });

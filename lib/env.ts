import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { ensurePrivateDirectory } from '@/lib/db/private-sqlite-file';

/** Pino's level names, most to least severe, then `silent`. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseKind = 'sqlite' | 'postgres';

/** Certificate and key (PEM files) to serve HTTPS with; `caFile` verifies client certificates. */
export type TlsFiles = { certFile: string; keyFile: string; caFile?: string };

/**
 * A TLS-terminating proxy in front of the lean HTTP layer that passes the
 * client certificate on (mutual TLS, RFC 8705): the header it sets, and the
 * addresses whose requests may carry it.
 */
export type TrustedProxy = {
  /** TRUSTED_PROXY_CERT_HEADER, lower-cased: the URL-escaped PEM (nginx's $ssl_client_escaped_cert). */
  certHeader: string;
  /** TRUSTED_PROXY_ADDRESSES: the proxies' IP addresses (IPv4-mapped IPv6 addresses as plain IPv4). */
  addresses: ReadonlySet<string>;
  /** TLS_CA_FILE, when set: the CAs a header certificate must be issued by to count as chain-verified. */
  caFile: string | undefined;
};

/** Limits of the lean HTTP layer (`npm start`); see parseHttpLimits. */
export type HttpLimits = {
  /** HTTP_HEADERS_TIMEOUT_MS: a request's headers must arrive within this (default 10 s); then 408 and close. */
  headersTimeoutMs: number;
  /** HTTP_REQUEST_TIMEOUT_MS: the whole request, body included, within this (default 30 s); then 408 and close. */
  requestTimeoutMs: number;
  /** HTTP_MAX_CONNECTIONS_PER_ADDRESS: open connections one client address may hold (default 256; 0 = no cap); more get a 503. */
  maxConnectionsPerAddress: number;
};

/**
 * The process environment minus the generated secrets, parsed and validated
 * once. Nothing else reads `process.env`. Parsing it has no side effects, so
 * the logger and the tooling (migrations, `npm start`'s set-up, the CLI) can
 * read it without creating files under the data directory.
 */
export type BaseEnv = {
  appUrl: string;
  port: number;
  /** Where `npm start` listens (HOST, default 0.0.0.0). */
  host: string;
  /** The project checkout (BACKCHANNEL_ROOT, else the working directory): prisma/, .next/ live here. */
  projectRoot: string;
  dataDir: string;
  databaseUrl: string;
  databaseKind: DatabaseKind;
  resendApiKey: string | undefined;
  resendBaseUrl: string | undefined;
  emailFrom: string;
  /**
   * The VAPID `sub` of every Web Push (RFC 8292 §2.1): how a push service
   * reaches the operator. WEB_PUSH_SUBJECT (a mailto: or https: URL), else
   * APP_URL when it is https, else `mailto:` EMAIL_FROM's address.
   */
  webPushSubject: string;
  /** TLS_CERT_FILE and TLS_KEY_FILE (both or neither), TLS_CA_FILE optional: `npm start` serves HTTPS. */
  tls: TlsFiles | undefined;
  /** TRUSTED_PROXY_CERT_HEADER with TRUSTED_PROXY_ADDRESSES (both or neither); `npm start` only. */
  trustedProxy: TrustedProxy | undefined;
  /** LOG_LEVEL; default `info`, or `silent` under vitest. */
  logLevel: LogLevel;
  /** BACKCHANNEL_DEBUG: the CLI prints stack traces. */
  debug: boolean;
  /** SHADOW_DATABASE_URL: the PostgreSQL connection that creates throw-away shadow databases (db:migration, db:check). */
  shadowDatabaseUrl: string | undefined;
  /** ADMIN_EMAILS (comma-separated): console owners, created on their first sign-in; lower-cased, without duplicates. */
  adminEmails: readonly string[];
  /** EVENT_RETENTION_DAYS (1–3650, default 30): events (request events and the audit log) older than this are deleted. */
  eventRetentionDays: number;
  /** NODE_ENV is `production` (`npm start` sets it). */
  production: boolean;
  /**
   * DEVELOPMENT_OUTBOX_I_KNOW: a production server without RESEND_API_KEY may
   * print approval links to its log on an APP_URL other than localhost
   * (assertDevelopmentOutboxAllowed refuses to start otherwise).
   */
  developmentOutboxAcknowledged: boolean;
  httpLimits: HttpLimits;
  /**
   * ALLOW_HTTP_LOOPBACK_CALLBACKS=true: ping/push notification endpoints may be
   * plain-http loopback URLs (http://127.0.0.1, http://[::1], http://localhost),
   * for local development and tests. Off: https:// only, never resolving to a
   * loopback, private or link-local address.
   */
  allowHttpLoopbackCallbacks: boolean;
  /**
   * CIBA_TEST_HOOKS=true: the conformance hook `POST <issuer>/test/ciba/approve|deny`
   * (lib/ciba/test-hook.ts) is served; off, it is 404. A production server refuses
   * to start with it (assertTestHooksAllowed) unless CIBA_TEST_HOOKS_I_KNOW=true.
   */
  cibaTestHooks: boolean;
  /** CIBA_TEST_HOOKS_I_KNOW=true: a production server may start with CIBA_TEST_HOOKS on. */
  cibaTestHooksAcknowledged: boolean;
  /**
   * METRICS_TOKEN: `GET /metrics` (Prometheus) is served to requests with
   * `Authorization: Bearer <token>`; unset (the default), /metrics is 404.
   * At least 16 characters of RFC 6750's b64token alphabet.
   */
  metricsToken: string | undefined;
  /**
   * DATABASE_DIRECT_URL (PostgreSQL): a direct connection (or a session-mode
   * pool) for what needs a session of its own — the migrations' advisory lock
   * and the LISTEN connection — when DATABASE_URL goes through PgBouncer in
   * transaction mode. Unset: DATABASE_URL serves for both.
   */
  databaseDirectUrl: string | undefined;
  /** DATABASE_POOL_SIZE (1–1000, default 10): connections of each PostgreSQL pool (the protocol store's, Prisma's). */
  databasePoolSize: number;
  /**
   * DATABASE_PREPARED_STATEMENTS (PostgreSQL, default true): the protocol store
   * names its statements so each connection parses them once. `false` for a
   * pooler that cannot track named statements per server connection (PgBouncer
   * in transaction mode before 1.21, or without max_prepared_statements).
   */
  databasePreparedStatements: boolean;
  /**
   * SHUTDOWN_TIMEOUT_SECONDS (1–3600, default 25): after SIGTERM, in-flight
   * requests and outbox deliveries get this long before the process exits
   * anyway (keep it below the orchestrator's kill timeout: Kubernetes' 30 s
   * by default, `docker stop`'s 10 s unless told more).
   */
  shutdownTimeoutMs: number;
  /**
   * OUTBOX_LEASE_SECONDS (10–3600, default 60): how long an outbox worker holds
   * the messages it is delivering; another instance takes them over once the
   * lease lapses (a crashed instance). Longer than any one delivery (callbacks
   * give up after 8 s).
   */
  outboxLeaseMs: number;
};

/**
 * The whole environment. Secrets that are not set are created under the data
 * directory on first use (mode 0600), so the embedded default needs no set-up;
 * instances that share a PostgreSQL database must set them explicitly.
 */
export type Env = BaseEnv & {
  /** 32 bytes that encrypt the tenants' private signing keys at rest. */
  keyEncryptionKey: Buffer;
  /** Secret for CSRF tokens and the console's sign-in links (AUTH_SECRET, else the data directory's `auth-secret`). */
  authSecret: string;
};

const readVar = (name: string): string | undefined => {
  const value = process.env[name]?.trim();

  return value ? value : undefined;
};

const parsePort = (raw: string | undefined): number => {
  if (raw === undefined) return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`PORT must be an integer from 1 to 65535, not "${raw}".`);
  }

  return port;
};

const parseAppUrl = (raw: string | undefined, port: number): string => {
  const value = raw ?? `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`APP_URL must be an absolute http(s) URL, not "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`APP_URL must use http or https, not "${url.protocol}".`);
  }

  return url.origin + url.pathname.replace(/\/+$/, '');
};

export const databaseKindOf = (databaseUrl: string): DatabaseKind => {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return 'postgres';
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must start with file:, postgres:// or postgresql://, not "${databaseUrl}".`);
};

const parseTls = (): TlsFiles | undefined => {
  const certFile = readVar('TLS_CERT_FILE');
  const keyFile = readVar('TLS_KEY_FILE');
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('Set both TLS_CERT_FILE and TLS_KEY_FILE to serve HTTPS.');
  const caFile = readVar('TLS_CA_FILE');

  return caFile ? { certFile, keyFile, caFile } : { certFile, keyFile };
};

/** An address as a socket reports it, IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as plain IPv4. */
export const normalizeAddress = (address: string): string => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];

  return (mapped ?? address).toLowerCase();
};

const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const parseTrustedProxy = (): TrustedProxy | undefined => {
  const certHeader = readVar('TRUSTED_PROXY_CERT_HEADER');
  const rawAddresses = readVar('TRUSTED_PROXY_ADDRESSES');
  if (!certHeader && !rawAddresses) return undefined;
  if (!certHeader || !rawAddresses) {
    throw new Error(
      'Set both TRUSTED_PROXY_CERT_HEADER and TRUSTED_PROXY_ADDRESSES (a header is trusted only from known proxies).',
    );
  }
  if (!HTTP_TOKEN.test(certHeader)) {
    throw new Error(`TRUSTED_PROXY_CERT_HEADER must be an HTTP header name (e.g. x-client-cert), not "${certHeader}".`);
  }
  const addresses = new Set<string>();
  for (const entry of rawAddresses.split(',').map((value) => value.trim())) {
    if (isIP(entry) === 0) {
      throw new Error(`TRUSTED_PROXY_ADDRESSES must be comma-separated IP addresses (no names or ranges), not "${entry}".`);
    }
    addresses.add(normalizeAddress(entry));
  }

  return { certHeader: certHeader.toLowerCase(), addresses, caFile: readVar('TLS_CA_FILE') };
};

const parseLogLevel = (raw: string | undefined): LogLevel => {
  if (raw === undefined) return readVar('VITEST') ? 'silent' : 'info';
  const level = LOG_LEVELS.find((name) => name === raw.toLowerCase());
  if (!level) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${raw}".`);

  return level;
};

/** An address as ADMIN_EMAILS may name it: one `@` between a non-empty local part and a dotted domain, no spaces. */
const ADMIN_EMAIL_PATTERN = /^[^\s@",;<>]+@[^\s@",;<>]+\.[^\s@",;<>]+$/;

const parseAdminEmails = (raw: string | undefined): string[] => {
  if (raw === undefined) return [];
  const emails = raw
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
  const invalid = emails.find((email) => !ADMIN_EMAIL_PATTERN.test(email));
  if (invalid !== undefined) {
    throw new Error(`ADMIN_EMAILS must be a comma-separated list of email addresses; "${invalid}" is not one.`);
  }

  return [...new Set(emails)];
};

/** Longest event retention EVENT_RETENTION_DAYS may ask for: ten years. */
const MAX_EVENT_RETENTION_DAYS = 3650;

const parseEventRetentionDays = (raw: string | undefined): number => {
  if (raw === undefined) return 30;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > MAX_EVENT_RETENTION_DAYS) {
    throw new Error(`EVENT_RETENTION_DAYS must be a whole number of days from 1 to ${MAX_EVENT_RETENTION_DAYS}, not "${raw}".`);
  }

  return days;
};

/** A whole number from `min` to `max`, or `fallback` when unset. */
const parseWholeNumber = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }

  return value;
};

/** The longest timeout the HTTP layer may be given: one hour. */
const MAX_HTTP_TIMEOUT_MS = 3_600_000;

const parseHttpLimits = (): HttpLimits => {
  const headersTimeoutMs = parseWholeNumber(
    'HTTP_HEADERS_TIMEOUT_MS',
    readVar('HTTP_HEADERS_TIMEOUT_MS'),
    10_000,
    100,
    MAX_HTTP_TIMEOUT_MS,
  );
  const requestTimeoutMs = parseWholeNumber(
    'HTTP_REQUEST_TIMEOUT_MS',
    readVar('HTTP_REQUEST_TIMEOUT_MS'),
    30_000,
    100,
    MAX_HTTP_TIMEOUT_MS,
  );
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new Error(
      `HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}) must not be shorter than HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}).`,
    );
  }
  const maxConnectionsPerAddress = parseWholeNumber(
    'HTTP_MAX_CONNECTIONS_PER_ADDRESS',
    readVar('HTTP_MAX_CONNECTIONS_PER_ADDRESS'),
    256,
    0,
    1_000_000,
  );

  return { headersTimeoutMs, requestTimeoutMs, maxConnectionsPerAddress };
};

/** WEB_PUSH_SUBJECT, or the default described at BaseEnv.webPushSubject. */
const parseWebPushSubject = (raw: string | undefined, appUrl: string, emailFrom: string): string => {
  if (raw !== undefined) {
    if (/^mailto:[^\s@]+@[^\s@]+$/.test(raw)) return raw;
    if (/^https:\/\/[^\s/]+/.test(raw) && URL.canParse(raw)) return raw;
    throw new Error(`WEB_PUSH_SUBJECT must be a mailto: address or an https: URL (RFC 8292 §2.1), not "${raw}".`);
  }
  if (appUrl.startsWith('https://')) return appUrl;
  const address = /<([^<>\s]+@[^<>\s]+)>/.exec(emailFrom)?.[1] ?? emailFrom.trim();

  return `mailto:${address}`;
};

const isFlagSet = (raw: string | undefined): boolean =>
  raw !== undefined && !['0', 'false', 'no', 'off'].includes(raw.toLowerCase());

/** A switch that must be exactly `true` or `false` (absent: false), so a typo is an error rather than silently off. */
const parseBooleanSwitch = (name: string, raw: string | undefined): boolean => {
  if (raw === undefined) return false;
  const value = raw.toLowerCase();
  if (value !== 'true' && value !== 'false') throw new Error(`${name} must be true or false, not "${raw}".`);

  return value === 'true';
};

/** Shortest METRICS_TOKEN accepted: a guessable token would expose tenant names and load to anyone. */
const MIN_METRICS_TOKEN_LENGTH = 16;

/** RFC 6750 §2.1 b64token: what an Authorization: Bearer header can carry as is. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const parseMetricsToken = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined;
  if (raw.length < MIN_METRICS_TOKEN_LENGTH || !BEARER_TOKEN.test(raw)) {
    throw new Error(
      `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters of A–Z, a–z, 0–9 and -._~+/ (e.g. \`openssl rand -hex 32\`).`,
    );
  }

  return raw;
};

/** `true` or `false`, or `fallback` when unset. */
const parseSwitch = (name: string, raw: string | undefined, fallback: boolean): boolean =>
  raw === undefined ? fallback : parseBooleanSwitch(name, raw);

/** DATABASE_DIRECT_URL: only beside a PostgreSQL DATABASE_URL, and itself PostgreSQL. */
const parseDatabaseDirectUrl = (raw: string | undefined, databaseUrl: string): string | undefined => {
  if (raw === undefined) return undefined;
  if (databaseKindOf(databaseUrl) !== 'postgres') {
    throw new Error('DATABASE_DIRECT_URL is for PostgreSQL: set it only when DATABASE_URL is postgresql://….');
  }
  if (!/^postgres(ql)?:\/\//i.test(raw)) throw new Error('DATABASE_DIRECT_URL must start with postgres:// or postgresql://.');

  return raw;
};

const loadBaseEnv = (): BaseEnv => {
  const port = parsePort(readVar('PORT'));
  const dataDir = resolve(/*turbopackIgnore: true*/ readVar('BACKCHANNEL_DATA_DIR') ?? 'data');
  const databaseUrl = readVar('DATABASE_URL') ?? `file:${join(dataDir, 'backchannel.db')}`;
  const appUrl = parseAppUrl(readVar('APP_URL'), port);
  const emailFrom = readVar('EMAIL_FROM') ?? 'Backchannel <no-reply@backchannel.localhost>';

  return {
    appUrl,
    port,
    host: readVar('HOST') ?? '0.0.0.0',
    projectRoot: resolve(/*turbopackIgnore: true*/ readVar('BACKCHANNEL_ROOT') ?? process.cwd()),
    dataDir,
    databaseUrl,
    databaseKind: databaseKindOf(databaseUrl),
    resendApiKey: readVar('RESEND_API_KEY'),
    resendBaseUrl: readVar('RESEND_BASE_URL'),
    emailFrom,
    webPushSubject: parseWebPushSubject(readVar('WEB_PUSH_SUBJECT'), appUrl, emailFrom),
    tls: parseTls(),
    trustedProxy: parseTrustedProxy(),
    logLevel: parseLogLevel(readVar('LOG_LEVEL')),
    debug: isFlagSet(readVar('BACKCHANNEL_DEBUG')),
    shadowDatabaseUrl: readVar('SHADOW_DATABASE_URL'),
    adminEmails: parseAdminEmails(readVar('ADMIN_EMAILS')),
    eventRetentionDays: parseEventRetentionDays(readVar('EVENT_RETENTION_DAYS')),
    production: readVar('NODE_ENV') === 'production',
    developmentOutboxAcknowledged: isFlagSet(readVar('DEVELOPMENT_OUTBOX_I_KNOW')),
    httpLimits: parseHttpLimits(),
    allowHttpLoopbackCallbacks: parseBooleanSwitch('ALLOW_HTTP_LOOPBACK_CALLBACKS', readVar('ALLOW_HTTP_LOOPBACK_CALLBACKS')),
    cibaTestHooks: parseBooleanSwitch('CIBA_TEST_HOOKS', readVar('CIBA_TEST_HOOKS')),
    cibaTestHooksAcknowledged: parseBooleanSwitch('CIBA_TEST_HOOKS_I_KNOW', readVar('CIBA_TEST_HOOKS_I_KNOW')),
    metricsToken: parseMetricsToken(readVar('METRICS_TOKEN')),
    databaseDirectUrl: parseDatabaseDirectUrl(readVar('DATABASE_DIRECT_URL'), databaseUrl),
    databasePoolSize: parseWholeNumber('DATABASE_POOL_SIZE', readVar('DATABASE_POOL_SIZE'), 10, 1, 1_000),
    databasePreparedStatements: parseSwitch('DATABASE_PREPARED_STATEMENTS', readVar('DATABASE_PREPARED_STATEMENTS'), true),
    shutdownTimeoutMs: parseWholeNumber('SHUTDOWN_TIMEOUT_SECONDS', readVar('SHUTDOWN_TIMEOUT_SECONDS'), 25, 1, 3_600) * 1_000,
    outboxLeaseMs: parseWholeNumber('OUTBOX_LEASE_SECONDS', readVar('OUTBOX_LEASE_SECONDS'), 60, 10, 3_600) * 1_000,
  };
};

/** Reads a secret file, or creates it with `create()` if it does not exist yet. */
const loadOrCreateSecretFile = (path: string, create: () => string): string => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    writeFileSync(path, create() + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }

  return readFileSync(path, 'utf8').trim();
};

const parseKeyEncryptionKey = (encoded: string, source: string): Buffer => {
  const key = Buffer.from(encoded, 'base64url');
  if (key.length !== 32) {
    throw new Error(`${source} must be 32 bytes, base64url-encoded (e.g. \`openssl rand -base64 32\`).`);
  }

  return key;
};

/** A secret from the environment, else from (or newly created in) a file in the data directory. */
const loadSecret = (name: string, dataDir: string, fileName: string): { value: string; source: string } => {
  const fromEnv = readVar(name);
  if (fromEnv) return { value: fromEnv, source: name };
  ensurePrivateDirectory(dataDir, { force: true });
  const path = join(dataDir, fileName);

  return { value: loadOrCreateSecretFile(path, () => randomBytes(32).toString('base64url')), source: path };
};

const loadEnv = (base: BaseEnv): Env => {
  const kek = loadSecret('BACKCHANNEL_KEY_ENCRYPTION_KEY', base.dataDir, 'key-encryption-key');

  return {
    ...base,
    keyEncryptionKey: parseKeyEncryptionKey(kek.value, kek.source),
    authSecret: loadSecret('AUTH_SECRET', base.dataDir, 'auth-secret').value,
  };
};

/**
 * The cache, on globalThis so that every module instance (Next.js bundles,
 * tsx) shares it. Tests that change `process.env` reset it by setting
 * `globalThis.backchannelEnv = undefined`.
 */
const globalForEnv = globalThis as unknown as { backchannelEnv?: { base: BaseEnv; full?: Env } };

const cachedEnv = () => (globalForEnv.backchannelEnv ??= { base: loadBaseEnv() });

/** The environment without the secrets (parsed on first call, then cached); never touches the disk. */
export const getBaseEnv = (): BaseEnv => cachedEnv().base;

/** The whole environment (parsed on first call, then cached); may create the secrets' files. */
export const getEnv = (): Env => {
  const cache = cachedEnv();

  return (cache.full ??= loadEnv(cache.base));
};

/** Sqlite file path from a `file:` URL, resolved against the working directory. */
export const sqliteFilePath = (databaseUrl: string): string => {
  const path = databaseUrl.slice('file:'.length).split('?')[0];

  return isAbsolute(path) ? path : resolve(/*turbopackIgnore: true*/ path);
};

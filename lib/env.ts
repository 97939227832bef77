import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The process environment, parsed and validated once. Nothing else reads
 * `process.env`. Secrets that are not set are created under the data
 * directory on first use (mode 0600), so the embedded default needs no set-up;
 * instances that share a PostgreSQL database must set them explicitly.
 */
export type Env = {
  appUrl: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  databaseKind: 'sqlite' | 'postgres';
  /** 32 bytes that encrypt the tenants' private signing keys at rest. */
  keyEncryptionKey: Buffer;
  /** Secret for CSRF tokens and (later) console sessions. */
  authSecret: string;
  resendApiKey: string | undefined;
  resendBaseUrl: string | undefined;
  emailFrom: string;
  /** Refuses plain-HTTP approval links etc. only where it matters: reported, not enforced. */
  isProduction: boolean;
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

export const databaseKindOf = (databaseUrl: string): 'sqlite' | 'postgres' => {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return 'postgres';
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must start with file:, postgres:// or postgresql://, not "${databaseUrl}".`);
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

const loadEnv = (): Env => {
  const port = parsePort(readVar('PORT'));
  const dataDir = resolve(/*turbopackIgnore: true*/ readVar('BACKCHANNEL_DATA_DIR') ?? 'data');
  const databaseUrl = readVar('DATABASE_URL') ?? `file:${join(dataDir, 'backchannel.db')}`;
  const databaseKind = databaseKindOf(databaseUrl);
  const needsDataDir = () => mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const kekVar = readVar('BACKCHANNEL_KEY_ENCRYPTION_KEY');
  let keyEncryptionKey: Buffer;
  if (kekVar) {
    keyEncryptionKey = parseKeyEncryptionKey(kekVar, 'BACKCHANNEL_KEY_ENCRYPTION_KEY');
  } else {
    needsDataDir();
    const path = join(dataDir, 'key-encryption-key');
    keyEncryptionKey = parseKeyEncryptionKey(
      loadOrCreateSecretFile(path, () => randomBytes(32).toString('base64url')),
      path,
    );
  }

  let authSecret = readVar('AUTH_SECRET');
  if (!authSecret) {
    needsDataDir();
    authSecret = loadOrCreateSecretFile(join(dataDir, 'auth-secret'), () => randomBytes(32).toString('base64url'));
  }

  return {
    appUrl: parseAppUrl(readVar('APP_URL'), port),
    port,
    dataDir,
    databaseUrl,
    databaseKind,
    keyEncryptionKey,
    authSecret,
    resendApiKey: readVar('RESEND_API_KEY'),
    resendBaseUrl: readVar('RESEND_BASE_URL'),
    emailFrom: readVar('EMAIL_FROM') ?? 'Backchannel <no-reply@backchannel.localhost>',
    isProduction: process.env.NODE_ENV === 'production',
  };
};

const globalForEnv = globalThis as unknown as { backchannelEnv?: Env };

/** The parsed environment (parsed on first call, then cached for the process). */
export const getEnv = (): Env => (globalForEnv.backchannelEnv ??= loadEnv());

/** Sqlite file path from a `file:` URL, resolved against the working directory. */
export const sqliteFilePath = (databaseUrl: string): string => {
  const path = databaseUrl.slice('file:'.length).split('?')[0];

  return isAbsolute(path) ? path : resolve(/*turbopackIgnore: true*/ path);
};

import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBaseEnv } from '@/lib/env';

const resetEnvCache = () => {
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

/** getBaseEnv() under the given variables ('' unsets one), parsed afresh. */
const baseEnvWith = (vars: Record<string, string>) => {
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
  resetEnvCache();

  return getBaseEnv();
};

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('getBaseEnv', () => {
  it('parses once and caches until globalThis.backchannelEnv is reset', () => {
    const first = baseEnvWith({ PORT: '4100' });
    vi.stubEnv('PORT', '4200');

    expect(getBaseEnv()).toBe(first);
    expect(first.port).toBe(4100);
    resetEnvCache();
    expect(getBaseEnv().port).toBe(4200);
  });

  it('has defaults for everything', () => {
    const env = baseEnvWith({
      PORT: '',
      HOST: '',
      TLS_CERT_FILE: '',
      TLS_KEY_FILE: '',
      BACKCHANNEL_DEBUG: '',
      BACKCHANNEL_ROOT: '',
    });

    expect(env).toMatchObject({ port: 3000, host: '0.0.0.0', tls: undefined, debug: false, projectRoot: process.cwd() });
  });

  it('takes the VAPID subject from WEB_PUSH_SUBJECT, else an https APP_URL, else EMAIL_FROM as mailto:', () => {
    expect(baseEnvWith({ WEB_PUSH_SUBJECT: 'mailto:ops@acme.example' }).webPushSubject).toBe('mailto:ops@acme.example');
    expect(baseEnvWith({ WEB_PUSH_SUBJECT: 'https://acme.example/contact' }).webPushSubject).toBe('https://acme.example/contact');
    expect(baseEnvWith({ WEB_PUSH_SUBJECT: '', APP_URL: 'https://login.acme.example' }).webPushSubject).toBe(
      'https://login.acme.example',
    );
    expect(
      baseEnvWith({ WEB_PUSH_SUBJECT: '', APP_URL: 'http://localhost:3000', EMAIL_FROM: 'Acme <login@acme.example>' })
        .webPushSubject,
    ).toBe('mailto:login@acme.example');
    expect(() => baseEnvWith({ WEB_PUSH_SUBJECT: 'http://acme.example' })).toThrow(
      'WEB_PUSH_SUBJECT must be a mailto: address or an https: URL (RFC 8292 §2.1), not "http://acme.example".',
    );
    expect(() => baseEnvWith({ WEB_PUSH_SUBJECT: 'ops@acme.example' })).toThrow(/WEB_PUSH_SUBJECT must be/);
  });

  it('is silent under vitest unless LOG_LEVEL says otherwise', () => {
    expect(baseEnvWith({ LOG_LEVEL: '' }).logLevel).toBe('silent');
    expect(baseEnvWith({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(baseEnvWith({ LOG_LEVEL: '', VITEST: '' }).logLevel).toBe('info');
  });

  it('reads TLS files as a pair, the CA optionally', () => {
    expect(baseEnvWith({ TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem', TLS_CA_FILE: '' }).tls).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
    });
    expect(baseEnvWith({ TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem', TLS_CA_FILE: 'ca.pem' }).tls).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
      caFile: 'ca.pem',
    });
  });

  it('reads the trusted proxy of mutual TLS (RFC 8705) as a header name with IP addresses, both or neither', () => {
    expect(baseEnvWith({ TRUSTED_PROXY_CERT_HEADER: '', TRUSTED_PROXY_ADDRESSES: '' }).trustedProxy).toBeUndefined();
    expect(
      baseEnvWith({
        TRUSTED_PROXY_CERT_HEADER: 'X-Client-Cert',
        TRUSTED_PROXY_ADDRESSES: '10.0.0.5, ::FFFF:10.0.0.6,::1',
        TLS_CA_FILE: 'ca.pem',
      }).trustedProxy,
    ).toEqual({ certHeader: 'x-client-cert', addresses: new Set(['10.0.0.5', '10.0.0.6', '::1']), caFile: 'ca.pem' });
    expect(() => baseEnvWith({ TRUSTED_PROXY_CERT_HEADER: 'x-client-cert', TRUSTED_PROXY_ADDRESSES: '' })).toThrow(
      'Set both TRUSTED_PROXY_CERT_HEADER and TRUSTED_PROXY_ADDRESSES',
    );
    expect(() => baseEnvWith({ TRUSTED_PROXY_CERT_HEADER: 'x cert', TRUSTED_PROXY_ADDRESSES: '10.0.0.5' })).toThrow(
      'TRUSTED_PROXY_CERT_HEADER must be an HTTP header name',
    );
    expect(() => baseEnvWith({ TRUSTED_PROXY_CERT_HEADER: 'x-cert', TRUSTED_PROXY_ADDRESSES: '10.0.0.0/8' })).toThrow(
      'TRUSTED_PROXY_ADDRESSES must be comma-separated IP addresses (no names or ranges), not "10.0.0.0/8".',
    );
  });

  it('reads ALLOW_HTTP_LOOPBACK_CALLBACKS as exactly true or false, off by default', () => {
    expect(baseEnvWith({ ALLOW_HTTP_LOOPBACK_CALLBACKS: '' }).allowHttpLoopbackCallbacks).toBe(false);
    expect(baseEnvWith({ ALLOW_HTTP_LOOPBACK_CALLBACKS: 'true' }).allowHttpLoopbackCallbacks).toBe(true);
    expect(baseEnvWith({ ALLOW_HTTP_LOOPBACK_CALLBACKS: 'FALSE' }).allowHttpLoopbackCallbacks).toBe(false);
    expect(() => baseEnvWith({ ALLOW_HTTP_LOOPBACK_CALLBACKS: 'yes' })).toThrow(
      'ALLOW_HTTP_LOOPBACK_CALLBACKS must be true or false, not "yes".',
    );
  });

  it('reads METRICS_TOKEN: unset by default (no /metrics), else at least 16 bearer-token characters', () => {
    expect(baseEnvWith({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(baseEnvWith({ METRICS_TOKEN: ' 0123456789abcdef ' }).metricsToken).toBe('0123456789abcdef');
    expect(baseEnvWith({ METRICS_TOKEN: 'a-Z_0.9~+/0123456789==' }).metricsToken).toBe('a-Z_0.9~+/0123456789==');
    for (const invalid of ['0123456789abcde', '0123456789 abcdef', '0123456789abcdef"', '0123456789abcdef=x']) {
      expect(() => baseEnvWith({ METRICS_TOKEN: invalid }), invalid).toThrow(
        'METRICS_TOKEN must be at least 16 characters of A–Z, a–z, 0–9 and -._~+/ (e.g. `openssl rand -hex 32`).',
      );
    }
  });

  it('reads BACKCHANNEL_DEBUG as a flag', () => {
    expect(baseEnvWith({ BACKCHANNEL_DEBUG: '1' }).debug).toBe(true);
    expect(baseEnvWith({ BACKCHANNEL_DEBUG: 'false' }).debug).toBe(false);
  });

  it('reads ADMIN_EMAILS as a trimmed, lower-cased list without duplicates or blanks', () => {
    expect(baseEnvWith({ ADMIN_EMAILS: '' }).adminEmails).toEqual([]);
    expect(baseEnvWith({ ADMIN_EMAILS: ' Ada@Example.COM, bob@x.example ,,ada@example.com' }).adminEmails).toEqual([
      'ada@example.com',
      'bob@x.example',
    ]);
  });

  it('reads EVENT_RETENTION_DAYS as whole days, 30 by default', () => {
    expect(baseEnvWith({ EVENT_RETENTION_DAYS: '' }).eventRetentionDays).toBe(30);
    expect(baseEnvWith({ EVENT_RETENTION_DAYS: ' 7 ' }).eventRetentionDays).toBe(7);
    expect(baseEnvWith({ EVENT_RETENTION_DAYS: '1' }).eventRetentionDays).toBe(1);
    expect(baseEnvWith({ EVENT_RETENTION_DAYS: '3650' }).eventRetentionDays).toBe(3650);
  });

  it('reads the HTTP layer limits, 10 s / 30 s / 256 by default', () => {
    const unset = { HTTP_HEADERS_TIMEOUT_MS: '', HTTP_REQUEST_TIMEOUT_MS: '', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '' };
    expect(baseEnvWith(unset).httpLimits).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnectionsPerAddress: 256,
    });
    expect(
      baseEnvWith({ HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '500', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' })
        .httpLimits,
    ).toEqual({ headersTimeoutMs: 500, requestTimeoutMs: 500, maxConnectionsPerAddress: 0 });
  });

  it.each([
    [{ HTTP_HEADERS_TIMEOUT_MS: '99' }, 'HTTP_HEADERS_TIMEOUT_MS must be a whole number from 100 to 3600000, not "99".'],
    [{ HTTP_REQUEST_TIMEOUT_MS: '30s' }, 'HTTP_REQUEST_TIMEOUT_MS must be a whole number from 100 to 3600000, not "30s".'],
    [
      { HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '1000' },
      'HTTP_REQUEST_TIMEOUT_MS (1000) must not be shorter than HTTP_HEADERS_TIMEOUT_MS (2000).',
    ],
    [
      { HTTP_MAX_CONNECTIONS_PER_ADDRESS: '-1' },
      'HTTP_MAX_CONNECTIONS_PER_ADDRESS must be a whole number from 0 to 1000000, not "-1".',
    ],
  ])('refuses HTTP layer limits %j', (vars, message) => {
    expect(() => baseEnvWith(vars)).toThrow(message);
  });

  it.each(['0', '3651', '-5', '1.5', '1e3', 'thirty', '0x10'])('refuses EVENT_RETENTION_DAYS=%s', (raw) => {
    expect(() => baseEnvWith({ EVENT_RETENTION_DAYS: raw })).toThrow(
      `EVENT_RETENTION_DAYS must be a whole number of days from 1 to 3650, not "${raw}".`,
    );
  });

  it.each([
    [{ PORT: '70000' }, 'PORT must be an integer from 1 to 65535, not "70000".'],
    [{ APP_URL: 'ftp://example.test' }, 'APP_URL must use http or https, not "ftp:".'],
    [{ DATABASE_URL: 'mysql://db' }, 'DATABASE_URL must start with file:, postgres:// or postgresql://, not "mysql://db".'],
    [{ TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: '' }, 'Set both TLS_CERT_FILE and TLS_KEY_FILE to serve HTTPS.'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud".'],
    [
      { ADMIN_EMAILS: 'ada@example.com; bob@example.com' },
      'ADMIN_EMAILS must be a comma-separated list of email addresses; "ada@example.com; bob@example.com" is not one.',
    ],
    [
      { ADMIN_EMAILS: 'ada@example.com,bob' },
      'ADMIN_EMAILS must be a comma-separated list of email addresses; "bob" is not one.',
    ],
  ])('refuses %j with a message naming the variable', (vars, message) => {
    expect(() => baseEnvWith(vars)).toThrow(message);
  });
});

describe('several instances: pools, shutdown, outbox lease', () => {
  const unset = {
    DATABASE_DIRECT_URL: '',
    DATABASE_POOL_SIZE: '',
    DATABASE_PREPARED_STATEMENTS: '',
    SHUTDOWN_TIMEOUT_SECONDS: '',
    OUTBOX_LEASE_SECONDS: '',
  };

  it('defaults: pools of 10 with named statements, 25 s to shut down, 60 s leases, no direct URL', () => {
    expect(baseEnvWith({ ...unset, DATABASE_URL: 'postgresql://app@db/backchannel' })).toMatchObject({
      databaseDirectUrl: undefined,
      databasePoolSize: 10,
      databasePreparedStatements: true,
      shutdownTimeoutMs: 25_000,
      outboxLeaseMs: 60_000,
    });
  });

  it('reads them', () => {
    expect(
      baseEnvWith({
        DATABASE_URL: 'postgresql://app@pgbouncer:6432/backchannel',
        DATABASE_DIRECT_URL: 'postgresql://app@db:5432/backchannel',
        DATABASE_POOL_SIZE: '4',
        DATABASE_PREPARED_STATEMENTS: 'false',
        SHUTDOWN_TIMEOUT_SECONDS: '10',
        OUTBOX_LEASE_SECONDS: '10',
      }),
    ).toMatchObject({
      databaseDirectUrl: 'postgresql://app@db:5432/backchannel',
      databasePoolSize: 4,
      databasePreparedStatements: false,
      shutdownTimeoutMs: 10_000,
      outboxLeaseMs: 10_000,
    });
  });

  it.each([
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE must be a whole number from 1 to 1000, not "0".'],
    [{ DATABASE_PREPARED_STATEMENTS: 'no' }, 'DATABASE_PREPARED_STATEMENTS must be true or false, not "no".'],
    [{ SHUTDOWN_TIMEOUT_SECONDS: '0' }, 'SHUTDOWN_TIMEOUT_SECONDS must be a whole number from 1 to 3600, not "0".'],
    [{ OUTBOX_LEASE_SECONDS: '9' }, 'OUTBOX_LEASE_SECONDS must be a whole number from 10 to 3600, not "9".'],
    [
      { DATABASE_URL: 'file:./x.db', DATABASE_DIRECT_URL: 'postgresql://db/x' },
      'DATABASE_DIRECT_URL is for PostgreSQL: set it only when DATABASE_URL is postgresql://….',
    ],
    [
      { DATABASE_URL: 'postgresql://db/x', DATABASE_DIRECT_URL: 'mysql://user:secret@db/x' },
      'DATABASE_DIRECT_URL must start with postgres:// or postgresql://.',
    ],
  ])('refuses %j (without echoing a connection string)', (vars, message) => {
    expect(() => baseEnvWith({ ...unset, ...vars })).toThrow(message);
  });
});

// A production server must not print approval links to its log for the world to read, unless told so.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertDevelopmentOutboxAllowed } from '@/lib/email/development-outbox-guard';

const PUBLIC = {
  production: true,
  resendApiKey: undefined,
  appUrl: 'https://idp.example.com',
  developmentOutboxAcknowledged: false,
};

describe('development outbox guard', () => {
  it('refuses a production server without RESEND_API_KEY on a public APP_URL, naming both ways out', () => {
    expect(() => assertDevelopmentOutboxAllowed(PUBLIC)).toThrow(/RESEND_API_KEY.*DEVELOPMENT_OUTBOX_I_KNOW=true/s);
  });

  it.each([
    ['an API key', { resendApiKey: 're_live' }],
    ['the acknowledgement', { developmentOutboxAcknowledged: true }],
    ['not production', { production: false }],
    ['localhost', { appUrl: 'http://localhost:3000' }],
    ['127.0.0.1', { appUrl: 'http://127.0.0.1:3000' }],
    ['[::1]', { appUrl: 'http://[::1]:3000' }],
    ['a .localhost name', { appUrl: 'https://idp.localhost' }],
  ])('allows it with %s', (_, change) => {
    expect(() => assertDevelopmentOutboxAllowed({ ...PUBLIC, ...change })).not.toThrow();
  });

  it('`npm start` exits 1 with the reason before serving anything', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'backchannel-guard-'));
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        APP_URL: 'https://idp.example.com',
        BACKCHANNEL_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        PORT: '3999',
      };
      for (const name of ['RESEND_API_KEY', 'DEVELOPMENT_OUTBOX_I_KNOW', 'DATABASE_URL']) delete env[name];
      const run = spawnSync(process.execPath, ['bin/start.mjs'], {
        cwd: join(import.meta.dirname, '..', '..'),
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('backchannel: could not start: Refusing to start');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_STYLE_HASH,
  nonPageSecurityHeaders,
  pageContentSecurityPolicy,
  pageSecurityHeaders,
  showsPrivateData,
  SONNER_STYLE_HASH,
} from '@/lib/http/security-headers';

describe('pageContentSecurityPolicy', () => {
  it('allows scripts only with the nonce, and framing by nobody', () => {
    expect(pageContentSecurityPolicy({ nonce: 'bm9uY2U=', https: false })).toBe(
      "default-src 'self'; script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'; " +
        `style-src 'self' 'nonce-bm9uY2U=' '${SONNER_STYLE_HASH}' '${EMPTY_STYLE_HASH}'; style-src-attr 'unsafe-inline'; ` +
        "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
        "form-action 'self'; frame-ancestors 'none'",
    );
  });

  it('upgrades insecure requests only on https', () => {
    expect(pageContentSecurityPolicy({ nonce: 'n', https: true })).toMatch(/; upgrade-insecure-requests$/);
  });

  it('allows the stylesheet the installed sonner inserts, by its hash', () => {
    const dist = dirname(createRequire(import.meta.url).resolve('sonner'));
    for (const file of ['index.mjs', 'index.js']) {
      const calls = [...readFileSync(join(dist, file), 'utf8').matchAll(/__insertCSS\(("(?:[^"\\]|\\.)*")\)/g)];
      expect(calls).toHaveLength(1);
      const css = JSON.parse(calls[0][1]) as string;

      expect(`sha256-${createHash('sha256').update(css).digest('base64')}`).toBe(SONNER_STYLE_HASH);
    }
    expect(`sha256-${createHash('sha256').update('').digest('base64')}`).toBe(EMPTY_STYLE_HASH);
  });
});

describe('security header sets', () => {
  it('gives pages the base headers, the CSP and a Permissions-Policy; HSTS only on https', () => {
    const page = pageSecurityHeaders({ nonce: 'n', https: false });
    expect(Object.keys(page).sort()).toEqual([
      'Content-Security-Policy',
      'Permissions-Policy',
      'Referrer-Policy',
      'X-Content-Type-Options',
      'X-Frame-Options',
    ]);
    expect(page).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
    });
    expect(page['Permissions-Policy']).toContain('camera=()');
    expect(pageSecurityHeaders({ nonce: 'n', https: true })['Strict-Transport-Security']).toBe(
      'max-age=63072000; includeSubDomains',
    );
  });

  it('gives JSON and text responses a policy that loads nothing', () => {
    expect(nonPageSecurityHeaders({ https: false })).toEqual({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    });
  });
});

describe('showsPrivateData', () => {
  it.each([
    ['/admin', true],
    ['/admin/t/acme/requests', true],
    ['/admin/sign-in', true],
    ['/t/acme/approve/abc', true],
    ['/t/acme/approve/done', true],
    ['/t/acme/approve', true],
    ['/', false],
    ['/administrator', false],
    ['/t/acme/.well-known/openid-configuration', false],
    ['/t/acme/approved', false],
  ])('%s → %s', (path, expected) => {
    expect(showsPrivateData(path)).toBe(expected);
  });
});

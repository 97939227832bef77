import { describe, expect, it } from 'vitest';
import { hasMultipartBody, refusalResponse, screenRequest } from '@/lib/http/screen-request';

const screen = (method: string, target: string, headers: Record<string, string> = {}) =>
  screenRequest({ method, target, header: (name) => headers[name] });

const ALLOW = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

describe('screenRequest', () => {
  it.each([
    ['GET', '/t/alpha/approve/abc'],
    ['POST', '/t/alpha/approve/abc/decision'],
    ['HEAD', '/admin'],
    ['OPTIONS', '/'],
    ['GET', '/t/alpha/approve/caf%C3%A9?x=%ff'],
    ['GET', '/%2F%20'],
  ])('lets %s %s through', (method, target) => {
    expect(screen(method, target)).toBeNull();
  });

  it.each(['TRACE', 'TRACK', 'CONNECT', 'PROPFIND', 'get'])('refuses the method %s with 405 and Allow', (method) => {
    expect(screen(method, '/t/beta/nope')).toEqual({
      status: 405,
      reason: `The method ${method} is not allowed.`,
      headers: { Allow: ALLOW },
    });
  });

  it.each(['/t/alpha/approve/%ff', '/t/alpha/approve/%ff/decision', '/admin/t/a%zz', '/%', '/%e2%82', '/x%C3%28'])(
    'refuses the path %s with 400',
    (target) => {
      expect(screen('GET', target)).toEqual({ status: 400, reason: 'The path has an invalid percent-escape.', headers: {} });
    },
  );

  it('refuses a POST with RSC but no Next-Action, and lets a server action with both through', () => {
    expect(screen('POST', '/nope', { rsc: '1' })).toEqual({
      status: 400,
      reason: 'A POST with an RSC header must name a server action.',
      headers: {},
    });
    expect(screen('POST', '/admin', { rsc: '1', 'next-action': 'abc' })).toBeNull();
    expect(screen('GET', '/admin', { rsc: '1' })).toBeNull();
  });

  it.each([
    [{ 'content-type': 'multipart/form-data; boundary=x', origin: 'not a url' }, 400],
    [{ 'content-type': 'application/x-www-form-urlencoded', origin: '%' }, 400],
    [{ 'next-action': 'abc', origin: '://' }, 400],
    [{ 'content-type': 'multipart/form-data; boundary=x', origin: 'null' }, null],
    [{ 'content-type': 'multipart/form-data; boundary=x', origin: 'http://localhost:3000' }, null],
    [{ 'content-type': 'application/json', origin: 'not a url' }, null],
  ])('checks the Origin of a would-be server action %j', (headers, status) => {
    expect(screen('POST', '/admin', headers)?.status ?? null).toBe(status);
  });

  it('refuses a server action call from another origin with 403, as Next.js would (with a 500)', () => {
    const action = { 'next-action': 'abc', host: 'localhost:3000' };
    expect(screen('POST', '/admin', { ...action, origin: 'http://evil.example' })).toEqual({
      status: 403,
      reason: 'A server action must come from this origin.',
      headers: {},
    });
    expect(screen('POST', '/admin', { ...action, origin: 'null' })?.status).toBe(403);
    expect(screen('POST', '/admin', { ...action, origin: 'http://localhost:3000' })).toBeNull();
    expect(screen('POST', '/admin', { ...action, origin: 'https://id.example', 'x-forwarded-host': 'id.example, x' })).toBeNull();
    expect(screen('POST', '/admin', action)).toBeNull();
    // A form POST (no Next-Action) is left to its route: the approval decision checks its own Origin.
    const form = { 'content-type': 'application/x-www-form-urlencoded', host: 'localhost:3000' };
    expect(screen('POST', '/t/a/approve/x/decision', { ...form, origin: 'http://evil.example' })).toBeNull();
  });

  it.each([
    ['gopher', 400],
    ['', 400],
    ['https', null],
    ['HTTP, https', null],
  ])('checks X-Forwarded-Proto %j', (value, status) => {
    expect(screen('GET', '/admin', { 'x-forwarded-proto': value })?.status ?? null).toBe(status);
  });

  it('knows which requests carry a multipart body', () => {
    const header = (contentType: string) => (name: string) => (name === 'content-type' ? contentType : undefined);
    expect(hasMultipartBody({ method: 'POST', header: header('Multipart/Form-Data; boundary=x') })).toBe(true);
    expect(hasMultipartBody({ method: 'PUT', header: header('multipart/form-data; boundary=x') })).toBe(false);
    expect(hasMultipartBody({ method: 'POST', header: header('text/plain') })).toBe(false);
  });
});

describe('refusalResponse', () => {
  it('is a one-line text/plain body, never cached, with the refusal headers', () => {
    expect(refusalResponse({ status: 405, reason: 'The method TRACE is not allowed.', headers: { Allow: ALLOW } })).toEqual({
      status: 405,
      headers: { Allow: ALLOW, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      body: '405 Method Not Allowed: The method TRACE is not allowed.\n',
    });
  });
});

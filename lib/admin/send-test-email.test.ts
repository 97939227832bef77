import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { sendTestEmail } from '@/lib/admin/send-test-email';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { startFakeResend, useResend, type FakeResend } from '@/lib/testing/fake-resend';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let resend: FakeResend;
let acmeAdmin: Principal;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  resend = await startFakeResend();
  const acme = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme <Corp>' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  acmeAdmin = { kind: 'admin', id: 'admin-1', email: 'ops@acme.example', role: 'tenant-admin', tenantIds: new Set([acme.id]) };
});

afterEach(() => {
  useResend(undefined);
  resend.received.length = 0;
  vi.restoreAllMocks();
});

afterAll(async () => {
  await resend.close();
  await cleanup();
});

const auditOf = async (slug: string) => {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { slug } });

  return db.event.findMany({ where: { tenantId: tenant.id, type: 'email_test_sent' }, orderBy: { id: 'asc' } });
};

describe('sendTestEmail', () => {
  it('emails the signed-in admin through Resend and records email_test_sent with its outcome', async () => {
    useResend(resend.baseUrl);

    const result = await sendTestEmail(db, acmeAdmin, { tenantSlug: 'acme' });

    expect(result).toEqual({
      to: 'ops@acme.example',
      provider: 'resend',
      from: 'Backchannel <no-reply@backchannel.localhost>',
      delivered: true,
      error: null,
    });
    expect(resend.received).toHaveLength(1);
    expect(resend.received[0].body).toMatchObject({
      to: ['ops@acme.example'],
      from: 'Backchannel <no-reply@backchannel.localhost>',
      subject: 'Backchannel test email for Acme <Corp>',
    });
    expect(resend.received[0].body.html).toContain('Acme &lt;Corp&gt;');
    const [audit] = await auditOf('acme');
    expect(audit.actor).toBe('admin:admin-1');
    expect(JSON.parse(audit.detail!)).toEqual({
      target: 'ops@acme.example',
      before: null,
      after: { provider: 'resend', from: 'Backchannel <no-reply@backchannel.localhost>', delivered: true, error: null },
    });
  });

  it('reports a provider refusal as not delivered, with the reason, and records it too', async () => {
    useResend(resend.baseUrl);
    resend.respondWith({ status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Invalid from address' } });

    const result = await sendTestEmail(db, acmeAdmin, { tenantSlug: 'acme' });

    expect(result).toMatchObject({ delivered: false, error: expect.stringContaining('Invalid from address') });
    expect(JSON.parse((await auditOf('acme')).at(-1)!.detail!).after).toMatchObject({ delivered: false });
  });

  it('without RESEND_API_KEY goes to the development outbox (the server log)', async () => {
    const printed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    const result = await sendTestEmail(db, acmeAdmin, { tenantSlug: 'acme' });

    expect(result).toMatchObject({ provider: 'development_outbox', delivered: true });
    const output = printed.mock.calls.map(([text]) => String(text)).join('');
    expect(output).toContain('to ops@acme.example');
    // One line, whatever the email's length: the whole email is in the console's development outbox viewer.
    expect(output.trimEnd().split('\n')).toHaveLength(1);
    expect(resend.received).toHaveLength(0);
  });

  it('refuses a tenant out of reach (forbidden), an unknown one (not_found), and principals without an address; nothing is sent', async () => {
    useResend(resend.baseUrl);
    const before = (await auditOf('globex')).length;

    await expectAdminError(sendTestEmail(db, acmeAdmin, { tenantSlug: 'globex' }), 'forbidden');
    await expectAdminError(sendTestEmail(db, acmeAdmin, { tenantSlug: 'nowhere' }), 'not_found');
    await expectAdminError(sendTestEmail(db, CLI_PRINCIPAL, { tenantSlug: 'acme' }), 'forbidden', /console admin/);
    await expectAdminError(
      sendTestEmail(db, { kind: 'api_key', id: 'k1', name: 'ci', tenantId: null }, { tenantSlug: 'acme' }),
      'forbidden',
    );
    expect(resend.received).toHaveLength(0);
    expect(await auditOf('globex')).toHaveLength(before);
  });
});

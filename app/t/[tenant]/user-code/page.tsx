// GET /t/<tenant>/user-code – a user asks for a one-time link to set their own user code (CIBA §7.1.2)
// Pure read: the form POSTs to ./request.
import { MailCheck } from 'lucide-react';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { USER_CODE_REQUEST_CSRF_PURPOSE, userCodePagePath } from '@/lib/ciba/user-code-link';
import { csrfTokenFor } from '@/lib/security/csrf';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { UserCodeCard, UserCodeMessage } from '@/components/user-code/user-code-card';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Set your user code', robots: { index: false, follow: false } };

type PageProps = { params: Promise<{ tenant: string }>; searchParams: Promise<{ sent?: string | string[] }> };

export default async function UserCodeRequestPage({ params, searchParams }: PageProps) {
  const { tenant: tenantSlug } = await params;
  const { sent } = await searchParams;
  const tenant = TENANT_SLUG_PATTERN.test(tenantSlug) ? await getProtocolData().store.findTenantBySlug(tenantSlug) : null;
  if (!tenant) notFound();
  if (sent === '1') {
    return (
      <UserCodeMessage
        Icon={MailCheck}
        title="Check your email"
        body="If the address belongs to an account here, we have sent it a link to set your user code. The link works once, for 15 minutes."
      />
    );
  }

  return (
    <UserCodeCard tenantName={tenant.name} title="Set your user code">
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        Applications may ask for your user code before they send you a sign-in request, so that nobody else can send you one.
        Enter your email address and we will send you a link to set it.
      </p>
      <form method="post" action={`${userCodePagePath(tenant.slug)}/request`} className="mt-6 space-y-5">
        <input type="hidden" name="csrf_token" value={csrfTokenFor(USER_CODE_REQUEST_CSRF_PURPOSE, tenant.slug)} />
        <Field label="Email address" required>
          <Input type="email" name="email" autoComplete="email" maxLength={254} />
        </Field>
        <Button type="submit" variant="primary" size="lg" fullWidth>
          Email me a link
        </Button>
      </form>
    </UserCodeCard>
  );
}

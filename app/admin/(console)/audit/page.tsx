import { redirect } from 'next/navigation';

// The audit log lives at /admin/audit-log (the console's navigation); this address leads there.
export default async function AuditRedirect({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const query = new URLSearchParams(
    Object.entries(await searchParams).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])),
  );
  redirect(query.size > 0 ? `/admin/audit-log?${query.toString()}` : '/admin/audit-log');
}

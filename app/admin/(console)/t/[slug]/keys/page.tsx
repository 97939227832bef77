import { redirect } from 'next/navigation';

// The signing keys live at /admin/t/<slug>/signing-keys (the console's navigation); this address leads there.
export default async function KeysRedirect({ params }: { params: Promise<{ slug: string }> }) {
  redirect(`/admin/t/${encodeURIComponent((await params).slug)}/signing-keys`);
}

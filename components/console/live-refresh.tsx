'use client';

// Re-renders the page (router.refresh) when the request stream reports something new about what it
// shows: a request's page follows its timeline without a reload. Refreshes are coalesced.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

const COALESCE_MS = 300;

export function LiveRefresh({ tenantSlug, requestId, after }: { tenantSlug: string; requestId: string; after: string | null }) {
  const router = useRouter();

  useEffect(() => {
    const search = new URLSearchParams({ request_id: requestId, ...(after ? { after } : {}) });
    const source = new EventSource(`/admin/t/${encodeURIComponent(tenantSlug)}/requests/live?${search.toString()}`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    source.onmessage = () => {
      clearTimeout(timer);
      timer = setTimeout(() => router.refresh(), COALESCE_MS);
    };

    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [tenantSlug, requestId, after, router]);

  return null;
}

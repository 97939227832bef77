'use client';

// Detail pages name themselves in the top bar's breadcrumbs (an application's name rather than its
// client_id in the URL): <PageTrail items={…} /> hands the trail to the ConsoleShell around it.
import { createContext, useContext, useEffect } from 'react';
import type { BreadcrumbItem } from '@/components/ui/breadcrumbs';

export const PageTrailContext = createContext<(items: readonly BreadcrumbItem[] | null) => void>(() => {});

export function PageTrail({ items }: { items: readonly BreadcrumbItem[] }) {
  const setTrail = useContext(PageTrailContext);
  const key = JSON.stringify(items);
  useEffect(() => {
    setTrail(JSON.parse(key) as BreadcrumbItem[]);

    return () => setTrail(null);
  }, [key, setTrail]);

  return null;
}

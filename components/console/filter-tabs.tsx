// A row of filter links (e.g. request statuses); the current one carries aria-current="page".
import Link from 'next/link';
import { cn, FOCUS_RING } from '@/components/ui/styles';

export type FilterTab = { label: string; href: string; current: boolean };

export function FilterTabs({ label, tabs }: { label: string; tabs: readonly FilterTab[] }) {
  return (
    <nav aria-label={label} className="mb-4 overflow-x-auto">
      <ul className="flex gap-1 border-b border-slate-200 dark:border-white/10">
        {tabs.map((tab) => (
          <li key={tab.href}>
            <Link
              href={tab.href}
              aria-current={tab.current ? 'page' : undefined}
              className={cn(
                '-mb-px inline-block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap',
                tab.current
                  ? 'border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300'
                  : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white',
                FOCUS_RING,
              )}
            >
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

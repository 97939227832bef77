// A breadcrumb trail: a labelled <nav> with an ordered list; the last item is the current page.
import { ChevronRight } from 'lucide-react';
import Link from 'next/link';
import { cn, FOCUS_RING } from './styles';

export type BreadcrumbItem = { label: string; href?: string };

export type BreadcrumbsProps = { items: readonly BreadcrumbItem[]; className?: string };

export function Breadcrumbs({ items, className }: BreadcrumbsProps) {
  if (items.length === 0) return null;

  return (
    <nav aria-label="Breadcrumb" className={cn('min-w-0', className)}>
      <ol className="flex min-w-0 items-center gap-1.5 text-sm">
        {items.map((item, index) => {
          const isCurrent = index === items.length - 1;

          return (
            <li key={`${index}-${item.label}`} className="flex min-w-0 items-center gap-1.5">
              {index > 0 ? <ChevronRight className="size-4 shrink-0 text-slate-400 dark:text-slate-500" /> : null}
              {item.href && !isCurrent ? (
                <Link
                  href={item.href}
                  className={cn(
                    'truncate rounded text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white',
                    FOCUS_RING,
                  )}
                >
                  {item.label}
                </Link>
              ) : (
                <span
                  aria-current={isCurrent ? 'page' : undefined}
                  className={cn(
                    'truncate',
                    isCurrent ? 'font-medium text-slate-900 dark:text-white' : 'text-slate-600 dark:text-slate-400',
                  )}
                >
                  {item.label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

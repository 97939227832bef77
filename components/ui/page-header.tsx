// The top of a console page: optional breadcrumbs, the page's <h1>, a description, and actions.
import type { ReactNode } from 'react';
import { Breadcrumbs, type BreadcrumbItem } from './breadcrumbs';
import { cn } from './styles';

export type PageHeaderProps = {
  title: ReactNode;
  description?: ReactNode;
  /** Buttons or links, right-aligned on wide screens. */
  actions?: ReactNode;
  /** Badges or facts under the title (status, slug, created date). */
  meta?: ReactNode;
  breadcrumbs?: readonly BreadcrumbItem[];
  className?: string;
};

export function PageHeader({ title, description, actions, meta, breadcrumbs, className }: PageHeaderProps) {
  return (
    <header className={cn('mb-6 sm:mb-8', className)}>
      {breadcrumbs ? <Breadcrumbs items={breadcrumbs} className="mb-3" /> : null}
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight text-balance text-slate-900 dark:text-white">{title}</h1>
          {description ? (
            <p className="mt-1.5 max-w-3xl text-sm text-pretty text-slate-600 dark:text-slate-400">{description}</p>
          ) : null}
          {meta ? (
            <div className="mt-3 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">{meta}</div>
          ) : null}
        </div>
        {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div> : null}
      </div>
    </header>
  );
}

// A dense, server-renderable table. Cells are render functions, so define columns in the page
// (a Server Component) or in a client component, never pass them across the server/client boundary.
// Row links: the row-header cell holds the only link, whose hit area stretches over the whole row;
// interactive content in other cells must sit in a `relative z-10` wrapper to stay clickable.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ButtonLink } from './button-link';
import { cn } from './styles';

export type DataTableColumn<Row> = {
  /** Unique among the columns. */
  key: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  align?: 'left' | 'right';
  /** Hides the column on narrow screens. */
  hideBelow?: 'sm' | 'md' | 'lg';
  className?: string;
};

export type DataTableProps<Row> = {
  columns: readonly DataTableColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** Makes each row a link to this URL (undefined: that row is not a link). */
  rowHref?: (row: Row) => string | undefined;
  /** Whether row links are prefetched (Next's default); a live table whose rows come and go turns it off. */
  prefetchRows?: boolean;
  /** Key of the column whose cells are row headers and hold the row link; defaults to the first column. */
  rowHeaderKey?: string;
  /** The table's accessible name (visually hidden <caption>). */
  caption: string;
  /** Shown instead of the table when there are no rows, usually an EmptyState. */
  empty?: ReactNode;
  /** Cursor pagination: URL of the next page (e.g. `?cursor=…`); null or absent on the last page. */
  nextPageHref?: string | null;
  nextPageLabel?: string;
  /** Anything else under the rows (counts, a "first page" link). */
  footer?: ReactNode;
  /** Drops the table's own frame, e.g. inside <Card flush>. */
  embedded?: boolean;
  className?: string;
};

const HIDE_BELOW = { sm: 'hidden sm:table-cell', md: 'hidden md:table-cell', lg: 'hidden lg:table-cell' } as const;

export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowHref,
  prefetchRows,
  rowHeaderKey,
  caption,
  empty,
  nextPageHref,
  nextPageLabel = 'Next page',
  footer,
  embedded = false,
  className,
}: DataTableProps<Row>) {
  const headerKey = rowHeaderKey ?? columns[0]?.key;
  const frame = embedded
    ? undefined
    : 'overflow-hidden rounded-xl bg-white shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10';
  const hasFooter = Boolean(nextPageHref) || footer !== undefined;

  if (rows.length === 0) {
    return (
      <div className={cn(frame, className)}>
        {empty ?? <p className="px-4 py-10 text-center text-sm text-slate-600 dark:text-slate-400">Nothing here yet.</p>}
      </div>
    );
  }

  return (
    <div className={cn(frame, className)}>
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="border-b border-slate-200 bg-slate-50 dark:border-white/10 dark:bg-white/[0.03]">
            <tr>
              {columns.map((column) => (
                <th
                  key={column.key}
                  scope="col"
                  className={cn(
                    'px-4 py-2.5 text-xs font-semibold whitespace-nowrap text-slate-600 dark:text-slate-300',
                    column.align === 'right' && 'text-right',
                    column.hideBelow && HIDE_BELOW[column.hideBelow],
                  )}
                >
                  {column.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-white/10">
            {rows.map((row) => {
              const href = rowHref?.(row);

              return (
                <tr
                  key={rowKey(row)}
                  className={cn(href && 'relative transition-colors hover:bg-slate-50 dark:hover:bg-white/[0.03]')}
                >
                  {columns.map((column) => {
                    const isRowHeader = column.key === headerKey;
                    const Cell = isRowHeader ? 'th' : 'td';
                    const content = column.cell(row);

                    return (
                      <Cell
                        key={column.key}
                        scope={isRowHeader ? 'row' : undefined}
                        className={cn(
                          'px-4 py-2.5 align-middle text-slate-700 dark:text-slate-300',
                          isRowHeader && 'font-medium text-slate-900 dark:text-white',
                          column.align === 'right' && 'text-right',
                          column.hideBelow && HIDE_BELOW[column.hideBelow],
                          column.className,
                        )}
                      >
                        {isRowHeader && href ? (
                          <Link
                            href={href}
                            prefetch={prefetchRows === false ? false : undefined}
                            className="rounded outline-none after:absolute after:inset-0 hover:text-indigo-700 focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-indigo-600 dark:hover:text-indigo-300 dark:focus-visible:after:outline-indigo-400"
                          >
                            {content}
                          </Link>
                        ) : (
                          content
                        )}
                      </Cell>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {hasFooter ? (
        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 text-sm text-slate-600 dark:border-white/10 dark:text-slate-400">
          <div>{footer}</div>
          {nextPageHref ? (
            <ButtonLink href={nextPageHref} variant="secondary" size="sm">
              {nextPageLabel}
            </ButtonLink>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

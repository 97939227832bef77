// The audit log as a page: search, the table of administrative changes (who, when, what, before and
// after) and cursor paging. Shared by the global log and each tenant's.
import { ScrollText } from 'lucide-react';
import { ButtonLink } from '@/components/ui/button-link';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import type { AuditEventView } from '@/lib/admin/list-audit-events';
import type { Page } from '@/lib/admin/page-cursor';
import { eventLabel } from './event-labels';
import { formatDateTime } from './format';
import { SearchForm } from './search-form';

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** What changed, one line per setting: `name: "Acme" → "Acme Corp"`; a creation or deletion lists what it had. */
const changeLines = (event: AuditEventView): string[] => {
  const before = (event.detail?.before ?? null) as Record<string, unknown> | null;
  const after = (event.detail?.after ?? null) as Record<string, unknown> | null;
  if (before && after) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      .map((key) => `${key}: ${show(before[key])} → ${show(after[key])}`);
  }
  const only = after ?? before;

  return only ? Object.entries(only).map(([key, value]) => `${key}: ${show(value)}`) : [];
};

function Change({ event }: { event: AuditEventView }) {
  const lines = changeLines(event);
  if (lines.length === 0) return <span className="text-slate-600 dark:text-slate-400">—</span>;
  if (lines.length <= 2) return <span className="font-mono text-xs break-all">{lines.join('; ')}</span>;

  return (
    <details>
      <summary className="text-sm text-indigo-700 dark:text-indigo-300">{lines.length} settings</summary>
      <ul className="mt-1 space-y-0.5 font-mono text-xs break-all">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </details>
  );
}

export type AuditLogProps = {
  page: Page<AuditEventView>;
  /** The page's path, for search and paging links. */
  basePath: string;
  query?: string;
  cursor?: string;
  /** The global log shows each event's tenant. */
  showTenant: boolean;
  /** A refused query (a bad cursor, a search too long). */
  refusal?: string | null;
};

export function AuditLog({ page, basePath, query, cursor, showTenant, refusal }: AuditLogProps) {
  const hrefFor = (params: { q?: string; cursor?: string }) => {
    const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));

    return search.size > 0 ? `${basePath}?${search.toString()}` : basePath;
  };

  return (
    <>
      <SearchForm
        label="Search the audit log"
        placeholder="An email, event type, client_id, setting…"
        value={query}
        clearHref={basePath}
      />
      {refusal ? (
        <p role="alert" className="mb-4 text-sm text-red-700 dark:text-red-400">
          {refusal}
        </p>
      ) : null}
      <DataTable
        caption={query ? `Audit events matching ${query}` : 'Audit events'}
        rows={page.data}
        rowKey={(event) => event.id}
        nextPageHref={page.next_cursor ? hrefFor({ q: query, cursor: page.next_cursor }) : null}
        footer={
          cursor ? (
            <ButtonLink href={hrefFor({ q: query })} variant="ghost" size="sm">
              Newest
            </ButtonLink>
          ) : undefined
        }
        rowHeaderKey="what"
        columns={[
          {
            key: 'time',
            header: 'Time',
            className: 'whitespace-nowrap',
            cell: (event: AuditEventView) => <time dateTime={event.time}>{formatDateTime(event.time)}</time>,
          },
          { key: 'who', header: 'Who', cell: (event) => event.actor_name ?? event.actor },
          {
            key: 'what',
            header: 'What',
            cell: (event) => (
              <>
                {eventLabel(event.type)}
                {event.target ? (
                  <span className="block font-mono text-xs font-normal break-all text-slate-600 dark:text-slate-400">
                    {event.target}
                  </span>
                ) : null}
              </>
            ),
          },
          ...(showTenant
            ? [
                {
                  key: 'tenant',
                  header: 'Tenant',
                  hideBelow: 'md' as const,
                  cell: (event: AuditEventView) =>
                    event.tenant ? (
                      <span className="font-mono text-xs">{event.tenant}</span>
                    ) : (
                      <span className="text-slate-600 dark:text-slate-400">—</span>
                    ),
                },
              ]
            : []),
          { key: 'change', header: 'Change', hideBelow: 'sm', className: 'max-w-md', cell: (event) => <Change event={event} /> },
        ]}
        empty={
          <EmptyState
            icon={<ScrollText />}
            title={query ? 'Nothing matches' : 'No changes recorded yet'}
            description={
              query
                ? 'The search is exact and case-sensitive: try part of an email, an event type (client_updated) or a setting.'
                : 'Every change made in the console, through the Management API or the CLI is recorded here.'
            }
          />
        }
      />
    </>
  );
}

// The approval page's rich authorization details (RFC 9396): one card per item, shown through its
// type's display template, with a native checkbox (checked by default) where the type allows
// approving items one by one. Server-rendered: the form works without JavaScript.
import { Lock } from 'lucide-react';
import type { ApprovalItem } from '@/lib/ciba/approval-items';
import type { DisplayRow } from '@/lib/oauth/authorization-details/display-template';

/** An item's fields as its template shows them (the console's request page shows them too). */
export function AuthorizationItemRows({ rows }: { rows: DisplayRow[] }) {
  return (
    <dl className="mt-3 grid grid-cols-[minmax(6rem,auto)_1fr] gap-x-4 gap-y-2 text-sm">
      {rows.map((row, index) => (
        <div key={`${row.label}-${index}`} className="contents">
          <dt className="text-slate-600 dark:text-slate-400">{row.label}</dt>
          <dd className="min-w-0 font-medium break-words text-slate-900 tabular-nums dark:text-white">
            {'value' in row ? (
              row.value
            ) : (
              <ul className="flex flex-wrap gap-1.5">
                {row.items.map((entry, position) => (
                  <li
                    key={`${entry}-${position}`}
                    className="rounded-md bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-slate-200 ring-inset dark:bg-white/5 dark:text-slate-200 dark:ring-white/10"
                  >
                    {entry}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ItemCard({ item }: { item: ApprovalItem }) {
  const inputId = `authorization-item-${item.index}`;
  const titleId = `${inputId}-title`;
  const { title, summary, rows } = item.display;

  return (
    <li className="rounded-xl bg-white p-4 ring-1 ring-slate-200 has-[input:checked]:ring-indigo-300 dark:bg-white/[0.03] dark:ring-white/10 dark:has-[input:checked]:ring-indigo-400/40">
      <div className="flex items-start gap-3">
        {item.optional ? (
          <input
            id={inputId}
            type="checkbox"
            name="item"
            value={String(item.index)}
            defaultChecked
            aria-labelledby={titleId}
            className="mt-0.5 size-5 shrink-0 cursor-pointer rounded accent-indigo-600 dark:accent-indigo-500"
          />
        ) : (
          <span
            className="mt-0.5 flex size-5 shrink-0 items-center justify-center text-slate-500 dark:text-slate-400"
            title="Approved together with the request"
          >
            <Lock aria-hidden="true" className="size-4" />
          </span>
        )}
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
            {item.optional ? (
              <label id={titleId} htmlFor={inputId} className="cursor-pointer font-semibold text-slate-900 dark:text-white">
                {title}
              </label>
            ) : (
              <p id={titleId} className="font-semibold text-slate-900 dark:text-white">
                {title}
              </p>
            )}
            {!item.optional && (
              <span className="text-xs font-medium text-slate-600 dark:text-slate-400">Included with the approval</span>
            )}
          </div>
          {summary !== title && <p className="mt-0.5 text-sm text-slate-700 dark:text-slate-300">{summary}</p>}
          {rows.length > 0 && <AuthorizationItemRows rows={rows} />}
        </div>
      </div>
    </li>
  );
}

/** The items of a request, inside the approval form (their checkboxes submit with it). */
export function AuthorizationItems({ clientName, items }: { clientName: string; items: ApprovalItem[] }) {
  const anyOptional = items.some((item) => item.optional);

  return (
    <fieldset className="mt-6 min-w-0">
      <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">
        {clientName} also asks you to authorize {items.length === 1 ? 'this' : `these ${items.length} items`}
      </legend>
      {anyOptional && (
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Untick anything you do not want to authorize. At least one item must stay selected to approve.
        </p>
      )}
      <ul className="mt-3 space-y-3">
        {items.map((item) => (
          <ItemCard key={item.index} item={item} />
        ))}
      </ul>
    </fieldset>
  );
}

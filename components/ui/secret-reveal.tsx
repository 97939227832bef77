'use client';

// A secret shown exactly once (a new client secret, an API key): the value, a copy button, and a
// warning that it will not be shown again. Render it only in the response that created the secret.
import { TriangleAlert } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { CopyButton } from './copy-button';
import { cn } from './styles';

export type SecretRevealProps = {
  /** What the secret is, e.g. "Client secret". */
  label: string;
  value: string;
  /** Replaces the default warning text. */
  warning?: ReactNode;
  /** Under the value, e.g. a "Done" ButtonLink back to the list. */
  footer?: ReactNode;
  className?: string;
};

export function SecretReveal({ label, value, warning, footer, className }: SecretRevealProps) {
  const labelId = useId();

  return (
    <div
      role="group"
      aria-labelledby={labelId}
      className={cn(
        'rounded-xl bg-white p-4 shadow-card ring-1 ring-amber-300 dark:bg-slate-900 dark:shadow-none dark:ring-amber-400/30',
        className,
      )}
    >
      <div
        role="note"
        className="flex gap-3 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 dark:bg-amber-400/10 dark:text-amber-200"
      >
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400" />
        <p>
          {warning ?? (
            <>
              <strong className="font-semibold">Copy the {label.toLowerCase()} now.</strong> It will not be shown again: only a
              hash is stored. If it is lost, rotate it to get a new one.
            </>
          )}
        </p>
      </div>
      <p id={labelId} className="mt-4 text-sm font-medium text-slate-900 dark:text-white">
        {label}
      </p>
      <div className="mt-1.5 flex items-center gap-2">
        <code className="min-w-0 flex-1 rounded-lg bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 ring-1 ring-slate-200 select-all dark:bg-white/5 dark:text-slate-100 dark:ring-white/10">
          {value}
        </code>
        <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} iconOnly size="md" />
      </div>
      {footer ? <div className="mt-4 flex justify-end gap-2">{footer}</div> : null}
    </div>
  );
}

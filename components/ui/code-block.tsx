'use client';

// Preformatted code (commands, JSON, discovery URLs) with an optional title and a copy button.
import { CopyButton } from './copy-button';
import { cn, FOCUS_RING } from './styles';

export type CodeBlockProps = {
  code: string;
  /** A caption above the code, e.g. "curl" or "Discovery URL". */
  title?: string;
  copyable?: boolean;
  /** Wraps long lines instead of scrolling sideways. */
  wrap?: boolean;
  className?: string;
};

export function CodeBlock({ code, title, copyable = true, wrap = false, className }: CodeBlockProps) {
  return (
    <div
      className={cn(
        'overflow-hidden rounded-lg bg-slate-50 ring-1 ring-slate-200 dark:bg-white/[0.04] dark:ring-white/10',
        className,
      )}
    >
      {title !== undefined || copyable ? (
        <div className="flex items-center justify-between gap-3 border-b border-slate-200 py-1 pr-1 pl-3 dark:border-white/10">
          <span className="truncate text-xs font-medium text-slate-600 dark:text-slate-400">{title}</span>
          {copyable ? (
            <CopyButton value={code} label={title ? `Copy ${title}` : 'Copy code'} iconOnly variant="ghost" size="sm" />
          ) : null}
        </div>
      ) : null}
      <pre
        tabIndex={0}
        className={cn(
          'overflow-x-auto px-3 py-2.5 font-mono text-[0.8125rem]/6 text-slate-800 dark:text-slate-200',
          wrap ? 'break-all whitespace-pre-wrap' : 'whitespace-pre',
          FOCUS_RING,
          'focus-visible:-outline-offset-2',
        )}
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}

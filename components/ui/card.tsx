// A surface for one topic: optional header (title, description, actions), body, optional footer.
// With a title it is a <section> named by that title.
import { useId, type ReactNode } from 'react';
import { cn } from './styles';

export type CardProps = {
  title?: ReactNode;
  description?: ReactNode;
  /** Buttons or links at the right of the header. */
  actions?: ReactNode;
  /** A strip under the body, e.g. form buttons. */
  footer?: ReactNode;
  children?: ReactNode;
  /** Body without padding, for tables and lists that run edge to edge. */
  flush?: boolean;
  headingLevel?: 2 | 3;
  className?: string;
};

export function Card({ title, description, actions, footer, children, flush = false, headingLevel = 2, className }: CardProps) {
  const titleId = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const hasHeader = title !== undefined || actions !== undefined;
  const Root = title !== undefined ? 'section' : 'div';

  return (
    <Root
      aria-labelledby={title !== undefined ? titleId : undefined}
      className={cn(
        'rounded-xl bg-white shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10',
        className,
      )}
    >
      {hasHeader ? (
        <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 border-b border-slate-200 px-5 py-4 dark:border-white/10">
          <div className="min-w-0">
            {title !== undefined ? (
              <Heading id={titleId} className="text-base font-semibold text-slate-900 dark:text-white">
                {title}
              </Heading>
            ) : null}
            {description ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p> : null}
          </div>
          {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
        </div>
      ) : null}
      {children !== undefined ? <div className={flush ? undefined : 'p-5'}>{children}</div> : null}
      {footer ? (
        <div className="flex flex-wrap items-center justify-end gap-3 rounded-b-xl border-t border-slate-200 bg-slate-50 px-5 py-3 dark:border-white/10 dark:bg-white/[0.02]">
          {footer}
        </div>
      ) : null}
    </Root>
  );
}

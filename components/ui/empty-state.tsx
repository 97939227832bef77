// What a list shows when it has nothing: what this place is for, and what to do next.
import type { ReactNode } from 'react';
import { cn } from './styles';

export type EmptyStateProps = {
  /** A lucide-react element, e.g. <AppWindow />. */
  icon?: ReactNode;
  title: string;
  /** What to do next, e.g. "Create an application to get a client ID and secret." */
  description: ReactNode;
  /** Usually one ButtonLink or Button. */
  action?: ReactNode;
  /** A dashed frame, for empty states that stand alone on a page. */
  bordered?: boolean;
  headingLevel?: 2 | 3;
  className?: string;
};

export function EmptyState({ icon, title, description, action, bordered = false, headingLevel = 2, className }: EmptyStateProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  return (
    <div
      className={cn(
        'flex flex-col items-center px-6 py-12 text-center',
        bordered && 'rounded-xl border-2 border-dashed border-slate-300 dark:border-white/15',
        className,
      )}
    >
      {icon ? (
        <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-slate-100 text-slate-600 ring-1 ring-slate-200 dark:bg-white/5 dark:text-slate-300 dark:ring-white/10 [&_svg]:size-6">
          {icon}
        </div>
      ) : null}
      <Heading className="text-sm font-semibold text-slate-900 dark:text-white">{title}</Heading>
      <p className="mt-1 max-w-sm text-sm text-slate-600 dark:text-slate-400">{description}</p>
      {action ? <div className="mt-5">{action}</div> : null}
    </div>
  );
}

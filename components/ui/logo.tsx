// The Backchannel mark and wordmark. The mark is decorative; the wordmark is text.
import { cn } from './styles';

export type LogoProps = { className?: string; showWordmark?: boolean };

export function Logo({ className, showWordmark = true }: LogoProps) {
  return (
    <span className={cn('inline-flex items-center gap-2.5', className)}>
      <svg aria-hidden="true" viewBox="0 0 32 32" className="size-7 shrink-0">
        <rect width="32" height="32" rx="8" className="fill-indigo-600 dark:fill-indigo-500" />
        <path
          d="M9 11.5h9.5a4.5 4.5 0 0 1 0 9H13"
          fill="none"
          stroke="white"
          strokeWidth="2.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
        <path d="m15.5 17.5-3 3 3 3" fill="none" stroke="white" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {showWordmark ? (
        <span className="text-[0.9375rem] font-semibold tracking-tight text-slate-900 dark:text-white">Backchannel</span>
      ) : null}
    </span>
  );
}

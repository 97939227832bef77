// A plain <button>: no client JavaScript, so it also serves server-rendered forms (the approval page).
// `type` defaults to "button"; pass type="submit" (or use SubmitButton) inside forms.
import { LoaderCircle } from 'lucide-react';
import type { ComponentPropsWithRef, ReactNode } from 'react';
import { cn, FOCUS_RING } from './styles';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

export type ButtonSize = 'sm' | 'md' | 'lg';

export type ButtonStyleOptions = { variant?: ButtonVariant; size?: ButtonSize; fullWidth?: boolean; className?: string };

const VARIANTS: Record<ButtonVariant, string> = {
  primary:
    'bg-indigo-600 text-white shadow-xs hover:bg-indigo-700 active:bg-indigo-800 dark:bg-indigo-600 dark:hover:bg-indigo-500 dark:active:bg-indigo-700',
  secondary:
    'bg-white text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 hover:bg-slate-50 active:bg-slate-100 dark:bg-white/10 dark:text-white dark:ring-white/15 dark:hover:bg-white/15 dark:active:bg-white/20',
  danger:
    'bg-red-600 text-white shadow-xs hover:bg-red-700 active:bg-red-800 focus-visible:outline-red-600 dark:bg-red-600 dark:hover:bg-red-500 dark:focus-visible:outline-red-400',
  ghost:
    'text-slate-700 hover:bg-slate-100 hover:text-slate-900 active:bg-slate-200 dark:text-slate-300 dark:hover:bg-white/10 dark:hover:text-white dark:active:bg-white/15',
};

const SIZES: Record<ButtonSize, string> = {
  sm: 'h-8 gap-1.5 rounded-md px-2.5 text-sm [&_svg]:size-4',
  md: 'h-9 gap-2 rounded-lg px-3.5 text-sm [&_svg]:size-4',
  lg: 'h-12 gap-2 rounded-xl px-5 text-base [&_svg]:size-5',
};

/** The button look, for elements that are not buttons (links styled as buttons, Headless UI triggers). */
export const buttonClassName = ({ variant = 'primary', size = 'md', fullWidth = false, className }: ButtonStyleOptions = {}) =>
  cn(
    'inline-flex shrink-0 items-center justify-center font-semibold whitespace-nowrap transition-colors select-none',
    'disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60 [&_svg]:shrink-0',
    FOCUS_RING,
    VARIANTS[variant],
    SIZES[size],
    fullWidth && 'w-full',
    className,
  );

export type ButtonProps = ComponentPropsWithRef<'button'> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  fullWidth?: boolean;
  /** Disables the button, swaps the icon for a spinner and sets aria-busy; the label stays. */
  pending?: boolean;
  /** A leading decorative icon: a lucide-react element (lucide hides it from assistive technology). */
  icon?: ReactNode;
};

export function Button({
  variant,
  size,
  fullWidth,
  pending = false,
  icon,
  className,
  disabled,
  type = 'button',
  children,
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className={buttonClassName({ variant, size, fullWidth, className })}
      {...props}
    >
      {pending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : icon}
      {children}
    </button>
  );
}

'use client';

// Light / Dark / System as a radio group (arrow keys move between them). "System" forgets the
// stored choice and follows the OS. See components/theme/theme.ts for the contract.
import { Radio, RadioGroup } from '@headlessui/react';
import { Monitor, Moon, Sun } from 'lucide-react';
import { useSyncExternalStore } from 'react';
import { applyThemePreference, readThemePreference, subscribeThemePreference, type ThemePreference } from '../theme/theme';
import { cn, FOCUS_RING } from './styles';

const OPTIONS = [
  { value: 'light', label: 'Light theme', Icon: Sun },
  { value: 'dark', label: 'Dark theme', Icon: Moon },
  { value: 'system', label: 'System theme', Icon: Monitor },
] as const satisfies readonly { value: ThemePreference; label: string; Icon: unknown }[];

export type ThemeToggleProps = { className?: string };

export function ThemeToggle({ className }: ThemeToggleProps) {
  const preference = useSyncExternalStore(subscribeThemePreference, readThemePreference, () => 'system' as const);

  return (
    <RadioGroup
      value={preference}
      onChange={applyThemePreference}
      aria-label="Colour theme"
      className={cn(
        'inline-flex items-center gap-0.5 rounded-full bg-slate-100 p-0.5 ring-1 ring-slate-200 ring-inset dark:bg-white/5 dark:ring-white/10',
        className,
      )}
    >
      {OPTIONS.map(({ value, label, Icon }) => (
        <Radio
          key={value}
          value={value}
          aria-label={label}
          title={label}
          className={cn(
            'rounded-full p-1.5 text-slate-600 transition-colors hover:text-slate-900 dark:text-slate-400 dark:hover:text-white',
            'data-checked:bg-white data-checked:text-slate-900 data-checked:shadow-xs data-checked:ring-1 data-checked:ring-slate-200',
            'dark:data-checked:bg-white/15 dark:data-checked:text-white dark:data-checked:ring-white/10',
            FOCUS_RING,
          )}
        >
          <Icon className="size-3.5" />
        </Radio>
      ))}
    </RadioGroup>
  );
}

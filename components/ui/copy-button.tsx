'use client';

// Copies a value to the clipboard and says so (icon change plus a polite live announcement).
// Falls back to a hidden textarea where the Clipboard API is missing (plain-HTTP origins).
import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { Button, type ButtonSize, type ButtonVariant } from './button';
import { cn } from './styles';

export type CopyButtonProps = {
  value: string;
  /** Visible text, or the accessible name when iconOnly. */
  label?: string;
  iconOnly?: boolean;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
};

const copyText = async (value: string): Promise<void> => {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(value);
  const textarea = document.createElement('textarea');
  textarea.value = value;
  textarea.setAttribute('readonly', '');
  textarea.style.position = 'fixed';
  textarea.style.opacity = '0';
  document.body.append(textarea);
  textarea.select();
  try {
    if (!document.execCommand('copy')) throw new Error('copy refused');
  } finally {
    textarea.remove();
  }
};

export function CopyButton({
  value,
  label = 'Copy',
  iconOnly = false,
  variant = 'secondary',
  size = 'sm',
  className,
}: CopyButtonProps) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2000);

    return () => window.clearTimeout(timer);
  }, [copied]);

  const onClick = () => {
    copyText(value).then(
      () => setCopied(true),
      () => toast.error('Could not copy. Select the text and copy it yourself.'),
    );
  };

  const icon = copied ? <Check className="text-emerald-600 dark:text-emerald-400" /> : <Copy />;

  return (
    <>
      <Button
        variant={variant}
        size={size}
        icon={icon}
        onClick={onClick}
        aria-label={iconOnly ? label : undefined}
        title={iconOnly ? label : undefined}
        className={cn(iconOnly && 'aspect-square px-0!', className)}
      >
        {iconOnly ? null : copied ? 'Copied' : label}
      </Button>
      <span aria-live="polite" className="sr-only">
        {copied ? 'Copied to the clipboard' : ''}
      </span>
    </>
  );
}

'use client';

// Shows one toast when it mounts: for results that arrive through a redirect (e.g. a page reads
// `?created=1` or a flash cookie and renders <FlashToast message="Tenant created" />). Renders nothing.
import { useEffect } from 'react';
import { toast } from 'sonner';

export type FlashToastProps = { message: string; tone?: 'success' | 'error' | 'info' };

export function FlashToast({ message, tone = 'success' }: FlashToastProps) {
  useEffect(() => {
    // The id makes a repeated mount (Strict Mode, re-render) update the toast instead of stacking a copy.
    const options = { id: `flash:${message}` };
    if (tone === 'success') toast.success(message, options);
    else if (tone === 'error') toast.error(message, options);
    else toast.info(message, options);
  }, [message, tone]);

  return null;
}

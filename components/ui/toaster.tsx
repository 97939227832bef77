'use client';

// The one toast outlet, mounted once in the root layout; follows the page's light/dark class.
// Show toasts with `toast` / `toastResult` from ./toast.
import { Toaster as SonnerToaster } from 'sonner';
import { useIsDark } from '../theme/use-is-dark';

export function Toaster() {
  const isDark = useIsDark();

  return (
    <SonnerToaster
      theme={isDark ? 'dark' : 'light'}
      position="bottom-right"
      closeButton
      containerAriaLabel="Notifications"
      style={{ fontFamily: 'inherit' }}
    />
  );
}

'use client';

// Whether dark mode is on right now (the `.dark` class on <html>), for widgets that need the
// value in JavaScript (the toaster). False during server rendering.
import { useSyncExternalStore } from 'react';

const subscribe = (onChange: () => void): (() => void) => {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });

  return () => observer.disconnect();
};

const isDarkNow = () => document.documentElement.classList.contains('dark');

export const useIsDark = (): boolean => useSyncExternalStore(subscribe, isDarkNow, () => false);

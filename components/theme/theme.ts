// Dark mode contract: `.dark` on <html> turns on Tailwind's `dark:` variant (see app/globals.css).
// The stored preference is 'light' or 'dark'; no stored value means "follow the OS".
// THEME_SCRIPT runs in <head> before first paint (no flash) and keeps following the OS and other
// tabs; applyThemePreference is its client-side twin for the toggle.

export const THEME_STORAGE_KEY = 'backchannel-theme';

export type ThemePreference = 'light' | 'dark' | 'system';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** Fired on window when this tab changes the preference (the storage event covers other tabs). */
const CHANGE_EVENT = 'backchannel-theme-change';

/** Inline, dependency-free, and tolerant of a blocked localStorage. */
export const THEME_SCRIPT = `(function(){var k='${THEME_STORAGE_KEY}',r=document.documentElement,m=window.matchMedia('${DARK_QUERY}');function a(){var p=null;try{p=localStorage.getItem(k)}catch(e){}var d=p==='dark'||(p!=='light'&&m.matches);r.classList.toggle('dark',d);r.style.colorScheme=d?'dark':'light'}a();m.addEventListener('change',a);window.addEventListener('storage',function(e){if(e.key===k)a()})})();`;

export const readThemePreference = (): ThemePreference => {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);

    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
};

/** Stores the preference ('system' clears it) and applies it to <html> at once. */
export const applyThemePreference = (preference: ThemePreference): void => {
  try {
    if (preference === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Blocked storage: the choice lasts for this page only.
  }
  const isDark = preference === 'dark' || (preference === 'system' && window.matchMedia(DARK_QUERY).matches);
  const root = document.documentElement;
  root.classList.toggle('dark', isDark);
  root.style.colorScheme = isDark ? 'dark' : 'light';
  window.dispatchEvent(new Event(CHANGE_EVENT));
};

/** For useSyncExternalStore: calls back when the preference changes in this or another tab. */
export const subscribeThemePreference = (onChange: () => void): (() => void) => {
  const onStorage = (event: StorageEvent) => {
    if (event.key === THEME_STORAGE_KEY || event.key === null) onChange();
  };
  window.addEventListener(CHANGE_EVENT, onChange);
  window.addEventListener('storage', onStorage);

  return () => {
    window.removeEventListener(CHANGE_EVENT, onChange);
    window.removeEventListener('storage', onStorage);
  };
};

// Class-name building blocks shared by the components: one focus ring, one form-control look.
export { clsx as cn } from 'clsx';

/** Keyboard focus ring (`:focus-visible`) for every interactive element. */
export const FOCUS_RING =
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400';

/** Text inputs, selects and textareas; Headless UI marks an invalid control with `data-invalid`. */
export const CONTROL =
  'block w-full rounded-lg bg-white px-3 py-2 text-sm text-slate-900 shadow-xs outline-1 -outline-offset-1 outline-slate-300 placeholder:text-slate-400 ' +
  'focus:outline-2 focus:-outline-offset-2 focus:outline-indigo-600 ' +
  'data-invalid:outline-red-500 data-invalid:focus:outline-red-600 ' +
  'disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500 disabled:outline-slate-200 ' +
  'dark:bg-white/5 dark:text-white dark:outline-white/15 dark:placeholder:text-slate-500 dark:focus:outline-indigo-400 ' +
  'dark:data-invalid:outline-red-400 dark:disabled:bg-white/[0.03] dark:disabled:text-slate-400 dark:disabled:outline-white/10';

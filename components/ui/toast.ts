'use client';

// Toasts from client code. `toast` is sonner's (toast.success, toast.error, toast.promise, …).
import { useEffect } from 'react';
import { toast } from 'sonner';
import type { ActionResult } from './action-result';

export { toast };

/** Success → a success toast (only if it carries a message); failure → an error toast. */
export const toastResult = (result: ActionResult<unknown> | null | undefined): void => {
  if (!result) return;
  if (result.ok) {
    if (result.message) toast.success(result.message);
  } else {
    toast.error(result.message);
  }
};

/** With useActionState: toasts each new state the action returns (`const [state, action] = useActionState(...)`). */
export const useActionResultToast = (state: ActionResult<unknown> | null | undefined): void => {
  useEffect(() => toastResult(state), [state]);
};

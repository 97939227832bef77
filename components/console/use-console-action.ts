'use client';

import { startTransition, useActionState, useEffect, useRef, type FormEvent } from 'react';
import type { ActionResult } from '@/components/ui/action-result';
import { toastResult } from '@/components/ui/toast';

/** A console server action as forms call it (useActionState's signature). */
export type ConsoleAction<Data = undefined> = (
  previous: ActionResult<Data> | null,
  form: FormData,
) => Promise<ActionResult<Data>>;

export type FieldErrors = Partial<Record<string, string[]>>;

/**
 * useActionState for a console form: each result is toasted; a success
 * calls `onSuccess` with the action's data; the failure's field errors are
 * returned for the fields (Field `error={errors.name}`).
 *
 * Forms submit through `onSubmit` (not the `action` prop), so what the admin
 * typed stays in the fields when the action refuses it: React resets a form
 * after every `action` submission. Buttons take `pending={isPending}`.
 */
export const useConsoleAction = <Data>(action: ConsoleAction<Data>, onSuccess?: (data: Data | undefined) => void) => {
  const [state, formAction, isPending] = useActionState(action, null);
  const onSuccessRef = useRef(onSuccess);
  useEffect(() => {
    onSuccessRef.current = onSuccess;
  });
  useEffect(() => {
    if (!state) return;
    toastResult(state);
    if (state.ok) onSuccessRef.current?.(state.data);
  }, [state]);
  const errors: FieldErrors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => formAction(form));
  };

  return { state, formAction, onSubmit, isPending, errors };
};

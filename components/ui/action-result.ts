// What a console server action returns to its form: safe to import on the server and the client.
// Client side, `toastResult` / `useActionResultToast` (./toast) turn it into a toast, and
// `fieldErrors[name]` goes to <Field error>.

export type ActionResult<Data = undefined> =
  { ok: true; message?: string; data?: Data } | { ok: false; message: string; fieldErrors?: Partial<Record<string, string[]>> };

export const actionSuccess = <Data = undefined>(message?: string, data?: Data): ActionResult<Data> => ({
  ok: true,
  message,
  data,
});

export const actionFailure = (message: string, fieldErrors?: Partial<Record<string, string[]>>): ActionResult<never> => ({
  ok: false,
  message,
  fieldErrors,
});

import 'server-only';
import { actionFailure, type ActionResult } from '@/components/ui/action-result';
import { isAdminError, type AdminError } from '@/lib/admin/errors';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import type { AdminPrincipal } from '@/lib/auth/load-admin-principal';

/** Field messages are fragments ("must be …"); under a field's label they read as sentences. */
const sentence = (message: string): string => (message ? message[0].toUpperCase() + message.slice(1) : message);

/**
 * `invalid_input` field errors keyed as the form names its fields: the
 * error's path (`grant_types.1` also under `grant_types`); the input as a
 * whole under `form`.
 */
export const fieldErrorsOf = (error: AdminError): Partial<Record<string, string[]>> => {
  const fields: Partial<Record<string, string[]>> = {};
  for (const { path, message } of error.fields) {
    const keys = new Set([path || 'form', path.split('.')[0] || 'form']);
    for (const key of keys) (fields[key] ??= []).push(sentence(message));
  }

  return fields;
};

const FAILURE_MESSAGES: Record<AdminError['code'], (error: AdminError) => string> = {
  invalid_input: () => 'Nothing was saved: check the highlighted fields.',
  not_found: (error) => error.message,
  forbidden: (error) => error.message,
  conflict: (error) => error.message,
};

/**
 * The body of every console server action: the signed-in admin (or a
 * redirect to sign-in), then the work, which calls one domain function with
 * that Principal. The domain function validates and checks the tenant; its
 * AdminError becomes the form's failure (a toast, and messages next to the
 * fields). Anything else is a fault and propagates.
 *
 * Server actions are protected against cross-site requests by Next.js's own
 * Origin check (the Origin must match the Host); it is kept on, never
 * disabled by allowedOrigins.
 */
export const runAdminAction = async <Data>(
  work: (principal: AdminPrincipal) => Promise<ActionResult<Data>>,
): Promise<ActionResult<Data>> => {
  const principal = await requireAdminPrincipal();
  try {
    return await work(principal);
  } catch (error) {
    if (!isAdminError(error)) throw error;

    return actionFailure(FAILURE_MESSAGES[error.code](error), error.code === 'invalid_input' ? fieldErrorsOf(error) : undefined);
  }
};

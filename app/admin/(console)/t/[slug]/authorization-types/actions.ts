'use server';

import { revalidatePath } from 'next/cache';
import { textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { createAuthorizationType } from '@/lib/admin/create-authorization-type';
import { invalidInput, isAdminError } from '@/lib/admin/errors';
import { deleteAuthorizationType } from '@/lib/admin/delete-authorization-type';
import { updateAuthorizationType } from '@/lib/admin/update-authorization-type';
import { getDb } from '@/lib/db/client';

const typesPath = (tenantSlug: string) => `/admin/t/${encodeURIComponent(tenantSlug)}/authorization-types`;

/** A JSON textarea: its parsed value, undefined when left blank, or the field's error. */
const jsonOf = (form: FormData, name: string): { value: unknown } | { error: string } => {
  const text = (textOf(form, name) ?? '').trim();
  if (text === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `Is not valid JSON: ${(error as Error).message}` };
  }
};

/** `template.fields.0.kind` → `field 1, kind`: where in the template textarea the problem is. */
const templateLocation = (path: string): string =>
  path
    .slice('template.'.length)
    .replace(/^fields\.(\d+)/, (_, index: string) => `field ${Number(index) + 1}`)
    .replace(/\./g, ', ');

/** The domain's field errors, those inside the template saying where (the form has one textarea for it). */
const locatingTemplateErrors = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (!isAdminError(error) || error.code !== 'invalid_input') throw error;
    throw invalidInput(
      error.fields.map((field) =>
        field.path.startsWith('template.') ? { ...field, message: `${templateLocation(field.path)}: ${field.message}` } : field,
      ),
    );
  }
};

/** The type's fields as the form holds them, or the JSON fields' errors. */
const inputOf = (form: FormData, mode: 'create' | 'update') => {
  const schema = jsonOf(form, 'schema');
  const template = jsonOf(form, 'template');
  const errors: Record<string, string[]> = {};
  if ('error' in schema) errors.schema = [schema.error];
  if ('error' in template) errors.template = [template.error];
  if (Object.keys(errors).length > 0) return { errors };
  const title = (textOf(form, 'title') ?? '').trim();

  return {
    input: {
      ...(mode === 'create' ? { type: (textOf(form, 'type') ?? '').trim() } : {}),
      title: title === '' ? null : title,
      // Create: a blank schema is refused by the domain ("is required"); update: left unchanged.
      ...('value' in schema && (schema.value !== undefined || mode === 'create') ? { schema: schema.value } : {}),
      template: 'value' in template ? (template.value ?? null) : null,
      partial_approval: form.has('partial_approval'),
    },
  };
};

export async function createAuthorizationTypeAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const parsed = inputOf(form, 'create');
    if ('errors' in parsed) return actionFailure('Nothing was saved: check the highlighted fields.', parsed.errors);
    const view = await locatingTemplateErrors(() =>
      createAuthorizationType(getDb(), principal, { tenantSlug, input: parsed.input }),
    );
    revalidatePath(typesPath(tenantSlug));

    return actionSuccess(`Authorization type ${view.type} created.`);
  });
}

export async function updateAuthorizationTypeAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const parsed = inputOf(form, 'update');
    if ('errors' in parsed) return actionFailure('Nothing was saved: check the highlighted fields.', parsed.errors);
    const view = await locatingTemplateErrors(() =>
      updateAuthorizationType(getDb(), principal, { tenantSlug, type: textOf(form, 'type') ?? '', input: parsed.input }),
    );
    revalidatePath(typesPath(tenantSlug));

    return actionSuccess(`Authorization type ${view.type} saved.`);
  });
}

export async function deleteAuthorizationTypeAction(tenantSlug: string, type: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const { deleted } = await deleteAuthorizationType(getDb(), principal, { tenantSlug, type });
    if (!deleted) return actionFailure('That authorization type does not exist (it may have been deleted already).');
    revalidatePath(typesPath(tenantSlug));

    return actionSuccess('Authorization type deleted.');
  });
}

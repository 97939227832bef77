'use server';

import { revalidatePath } from 'next/cache';
import { textOf } from '@/components/console/form-values';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionFailure, actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { addTrustedIssuer } from '@/lib/admin/add-trusted-issuer';
import { invalidInput } from '@/lib/admin/errors';
import { removeTrustedIssuer } from '@/lib/admin/remove-trusted-issuer';
import { getDb } from '@/lib/db/client';

const issuersPath = (tenantSlug: string) => `/admin/t/${encodeURIComponent(tenantSlug)}/trusted-issuers`;

/** The pasted JWKS as JSON (the domain function checks what it holds). */
const jwksOf = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput([{ path: 'jwks', message: 'must be a JSON JWKS document: {"keys":[…]}' }]);
  }
};

export async function addTrustedIssuerAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const tenantSlug = textOf(form, 'tenantSlug') ?? '';
    const keysFrom = textOf(form, 'keys_from');
    const jwks = textOf(form, 'jwks');
    const jwksUri = textOf(form, 'jwks_uri');
    const issuer = await addTrustedIssuer(getDb(), principal, {
      tenantSlug,
      input: {
        issuer: textOf(form, 'issuer') ?? '',
        ...(keysFrom === 'jwks_uri' ? { jwks_uri: jwksUri ?? '' } : { jwks: jwksOf(jwks ?? '') }),
      },
    });
    revalidatePath(issuersPath(tenantSlug));

    return actionSuccess(`Issuer ${issuer.issuer} is trusted.`);
  });
}

export async function removeTrustedIssuerAction(tenantSlug: string, id: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const removed = await removeTrustedIssuer(getDb(), principal, { tenantSlug, id });
    revalidatePath(issuersPath(tenantSlug));
    if (!removed) return actionFailure('This issuer was not trusted any more (it may have been removed already).');

    return actionSuccess(`Issuer ${removed.issuer} is no longer trusted.`);
  });
}

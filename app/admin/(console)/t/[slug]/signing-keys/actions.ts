'use server';

import { revalidatePath } from 'next/cache';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { retireSigningKey } from '@/lib/admin/retire-signing-key';
import { rotateSigningKey } from '@/lib/admin/rotate-signing-key';
import { getDb } from '@/lib/db/client';
import type { SigningAlg } from '@/lib/oauth/signing-keys';

const keysPath = (tenantSlug: string) => `/admin/t/${encodeURIComponent(tenantSlug)}/signing-keys`;

export async function rotateSigningKeyAction(tenantSlug: string, alg: SigningAlg): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const key = await rotateSigningKey(getDb(), principal, { tenantSlug, alg });
    revalidatePath(keysPath(tenantSlug));

    return actionSuccess(`New ${key.alg} key ${key.kid} published; it signs from ${key.signs_from ?? 'now'}.`);
  });
}

export async function retireSigningKeyAction(tenantSlug: string, kid: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    const key = await retireSigningKey(getDb(), principal, { tenantSlug, kid });
    revalidatePath(keysPath(tenantSlug));

    return actionSuccess(`Key ${key.kid} retired; it stays in the JWKS until ${key.published_until ?? 'its tokens expire'}.`);
  });
}

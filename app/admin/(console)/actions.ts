'use server';

import { revalidatePath } from 'next/cache';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { createTenant } from '@/lib/admin/create-tenant';
import { getDb } from '@/lib/db/client';
import { textOf } from '@/components/console/form-values';

export async function createTenantAction(_previous: ActionResult<{ slug: string }> | null, form: FormData) {
  return runAdminAction(async (principal) => {
    const tenant = await createTenant(getDb(), principal, { slug: textOf(form, 'slug') ?? '', name: textOf(form, 'name') ?? '' });
    revalidatePath('/admin', 'layout');

    return actionSuccess(`Tenant ${tenant.name} created.`, { slug: tenant.slug });
  });
}

'use server';

import { revalidatePath } from 'next/cache';
import { runAdminAction } from '@/components/console/run-admin-action';
import { actionSuccess, type ActionResult } from '@/components/ui/action-result';
import { cancelRequest } from '@/lib/admin/cancel-request';
import { getDb } from '@/lib/db/client';

export async function cancelRequestAction(tenantSlug: string, id: string): Promise<ActionResult> {
  return runAdminAction(async (principal) => {
    await cancelRequest(getDb(), principal, { tenantSlug, id });
    revalidatePath(`/admin/t/${encodeURIComponent(tenantSlug)}/requests`, 'layout');

    return actionSuccess('Request cancelled: the client’s next poll gets access_denied.');
  });
}

import type { Db } from '@/lib/db/client';
import type { Prisma } from '@/lib/generated/sqlite/client';
import { UNFINISHED_STATUSES } from '@/lib/store/request-lifecycle';

type Tx = Pick<Db, 'backchannelRequest' | 'tenantRelease'>;

/**
 * For a deletion that cascades to requests (a user's, a client's): counts the
 * unfinished ones among them as released (TenantRelease, shard 0), so the
 * tenant's cap of outstanding requests (lib/ciba/admission.ts) does not keep
 * their places. Call in the deletion's transaction, before it (the requests
 * are gone after); it then commits only with the deletion. A request that
 * finishes between the count and the deletion is released twice: the cap
 * errs towards letting one more in, never towards locking a tenant out.
 */
export const releaseUnfinishedRequests = async (
  tx: Tx,
  tenantId: string,
  where: Pick<Prisma.BackchannelRequestWhereInput, 'userId' | 'clientId'>,
): Promise<void> => {
  const count = await tx.backchannelRequest.count({ where: { ...where, tenantId, status: { in: [...UNFINISHED_STATUSES] } } });
  if (count === 0) return;
  await tx.tenantRelease.upsert({
    where: { tenantId_shard: { tenantId, shard: 0 } },
    create: { tenantId, shard: 0, released: count },
    update: { released: { increment: count } },
  });
};

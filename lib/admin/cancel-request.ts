import { z } from 'zod';
import { AdminError } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requestNotFound } from '@/lib/admin/request-not-found';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import { eventActorOf, type Principal } from '@/lib/auth/principal';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { Db } from '@/lib/db/client';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { isRequestExpired } from '@/lib/store/request-lifecycle';

/** Which request: its id. */
export const ZCancelRequestSchema = z.strictObject({ id: ZResourceIdSchema }).meta({ title: 'CancelRequest' });
export type TCancelRequest = z.input<typeof ZCancelRequestSchema>;

export type CancelRequestOptions = { tenantSlug: string } & TCancelRequest;

export type CancelledRequest = { id: string; status: 'cancelled' };

/**
 * Cancels an unfinished (pending or approved, unexpired) request through the
 * one completion function, which writes its `ciba_cancelled` event with the
 * principal as actor in the same unit: the client's next poll gets
 * access_denied (contract.md, Cancel).
 *
 * @throws AdminError `invalid_input` for a malformed id; `not_found` for an unknown tenant or a request not in it; `forbidden` for a tenant out of reach; `conflict` ("already <status>") for a finished or expired request.
 */
export const cancelRequest = async (db: Db, principal: Principal, options: CancelRequestOptions): Promise<CancelledRequest> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { id } = parseInputOrThrow(ZCancelRequestSchema, input);
  const request = await db.backchannelRequest.findFirst({ where: { id, tenantId: tenant.id }, select: { id: true } });
  if (!request) throw requestNotFound(tenant.slug, id);

  const result = await completeBackchannelRequest(getProtocolData().store, {
    requestId: id,
    decision: 'cancel',
    actor: eventActorOf(principal),
  });
  if (result.ok) return { id, status: 'cancelled' };
  if (result.reason === 'not_found') throw requestNotFound(tenant.slug, id);
  const current = await db.backchannelRequest.findUnique({ where: { id }, select: { status: true, expiresAt: true } });
  if (!current) throw requestNotFound(tenant.slug, id);
  const status = isRequestExpired(current, new Date()) ? 'expired' : current.status;
  throw new AdminError('conflict', `Request ${id} is already ${status}.`);
};

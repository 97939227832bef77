import { invalidInput } from '@/lib/admin/errors';
import type { Db } from '@/lib/db/client';

type Tx = Pick<Db, 'authorizationType'>;

/**
 * Every authorization-details type a client is to be registered for exists
 * in its tenant (RFC 9396: a client may only request the tenant's types).
 *
 * @throws AdminError `invalid_input` on `authorization_details_types`, naming the unknown types.
 */
export const requireKnownAuthorizationTypes = async (tx: Tx, tenantId: string, types: readonly string[] | undefined) => {
  if (types === undefined || types.length === 0) return;
  const known = new Set(
    (await tx.authorizationType.findMany({ where: { tenantId, type: { in: [...types] } }, select: { type: true } })).map(
      ({ type }) => type,
    ),
  );
  const unknown = types.filter((type) => !known.has(type));
  if (unknown.length > 0) {
    throw invalidInput([
      {
        path: 'authorization_details_types',
        message: `${unknown.map((type) => JSON.stringify(type)).join(', ')} ${unknown.length === 1 ? 'is not an authorization type' : 'are not authorization types'} of this tenant (create ${unknown.length === 1 ? 'it' : 'them'} first with authorization-type create)`,
      },
    ]);
  }
};

import { z } from 'zod';
import { AdminError } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { checkOneUserReference, ZResourceIdSchema, ZUserEmailSchema } from '@/lib/admin/user-fields';
import { userNotFound } from '@/lib/admin/user-not-found';
import { recordAuthenticatorEvent } from '@/lib/authenticator/authenticator-events';
import { enrollmentSentRecently, queueEnrollment } from '@/lib/authenticator/enrollment';
import { actorLabel, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { wakeOutbox } from '@/lib/outbox/wake-outbox';

/**
 * Administration of users' authenticators (issue 13), one function per
 * operation for the console, the Management API and the CLI: send an
 * enrolment link, list a user's devices, revoke one. Tenant access is
 * checked next to the data; every change is in the event stream.
 */

/** A user by `id` or by `email`, exactly one. */
export const ZAuthenticatorUserSchema = z
  .strictObject({ id: ZResourceIdSchema.optional(), email: ZUserEmailSchema.optional() })
  .check(checkOneUserReference)
  .meta({ title: 'AuthenticatorUser' });
export type TAuthenticatorUser = z.input<typeof ZAuthenticatorUserSchema>;

const findTenantUser = async (db: Db, tenant: { id: string; slug: string }, reference: TAuthenticatorUser) => {
  const { id, email } = parseInputOrThrow(ZAuthenticatorUserSchema, reference);
  const user = await db.user.findFirst({
    where: { tenantId: tenant.id, ...(id !== undefined ? { id } : { email }) },
    select: { id: true, email: true, blocked: true },
  });
  if (!user) throw userNotFound(tenant.slug, (id ?? email)!);

  return user;
};

/** The answer to an enrolment request: the link is queued, its email follows through the outbox. */
export type AuthenticatorEnrollmentView = { id: string; user_id: string; email: string; expires_at: string };

/**
 * Emails the user a single-use enrolment link for the authenticator app
 * (valid 24 h): the enrolment, its outbox message and the
 * `authenticator_enrollment_sent` event in one transaction.
 *
 * @throws AdminError `not_found` for an unknown tenant or user; `forbidden` for a tenant out of reach; `conflict` for a blocked user or one emailed a link less than a minute ago; `invalid_input` for a bad user reference.
 */
export const sendAuthenticatorEnrollment = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string } & TAuthenticatorUser,
  now = new Date(),
): Promise<AuthenticatorEnrollmentView> => {
  const { tenantSlug, ...reference } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const user = await findTenantUser(db, tenant, reference);
  if (user.blocked)
    throw new AdminError('conflict', `User ${user.email} is blocked: unblock them before sending an enrolment link.`);
  const queued = await db.$transaction(async (tx) => {
    if (await enrollmentSentRecently(tx, user.id, now)) {
      throw new AdminError('conflict', `An enrolment link was emailed to ${user.email} less than a minute ago.`);
    }

    return queueEnrollment(tx, { tenantId: tenant.id, userId: user.id, actor: actorLabel(principal), now });
  });
  wakeOutbox();

  return { id: queued.id, user_id: user.id, email: user.email, expires_at: queued.expiresAt.toISOString() };
};

/** One enrolled device, as admins see it (never its key or push endpoint). */
export type AuthenticatorDeviceView = {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  /** Whether the device has a Web Push subscription (notifications reach it). */
  push: boolean;
};

const DEVICE_COLUMNS = { id: true, name: true, createdAt: true, lastUsedAt: true, pushEndpoint: true } as const;

export const toDeviceView = (row: {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  pushEndpoint: string | null;
}): AuthenticatorDeviceView => ({
  id: row.id,
  name: row.name,
  created_at: row.createdAt.toISOString(),
  last_used_at: row.lastUsedAt?.toISOString() ?? null,
  push: row.pushEndpoint !== null,
});

/**
 * A user's enrolled devices, oldest first.
 *
 * @throws AdminError `not_found` for an unknown tenant or user; `forbidden` for a tenant out of reach.
 */
export const listAuthenticatorDevices = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string } & TAuthenticatorUser,
): Promise<AuthenticatorDeviceView[]> => {
  const { tenantSlug, ...reference } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const user = await findTenantUser(db, tenant, reference);
  const rows = await db.authenticatorDevice.findMany({
    where: { tenantId: tenant.id, userId: user.id },
    select: DEVICE_COLUMNS,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });

  return rows.map(toDeviceView);
};

/**
 * Deletes one device of a user and, with it (cascade), its app sessions, in
 * the transaction that records `authenticator_revoked` (`actor` who). Its
 * passkey can no longer sign in or decide anything. Shared by the admin doors
 * (revokeAuthenticatorDevice) and the user's own device list.
 *
 * @returns false when the device is not the user's (or is gone already).
 */
export const deleteAuthenticatorDevice = async (
  db: Db,
  { tenantId, userId, deviceId, actor, now }: { tenantId: string; userId: string; deviceId: string; actor: string; now: Date },
): Promise<boolean> =>
  db.$transaction(async (tx) => {
    const device = await tx.authenticatorDevice.findFirst({
      where: { id: deviceId, tenantId, userId },
      select: { id: true, name: true },
    });
    if (!device) return false;
    await tx.authenticatorDevice.delete({ where: { id: device.id } });
    await recordAuthenticatorEvent(tx, {
      type: 'authenticator_revoked',
      tenantId,
      userId,
      actor,
      change: { target: device.id, before: { name: device.name }, after: null },
      at: now,
    });

    return true;
  });

/**
 * Revokes a user's device (console, API `DELETE …/authenticators/{deviceId}`, CLI).
 *
 * @throws AdminError `not_found` for an unknown tenant, user, or a device that is not this user's; `forbidden` for a tenant out of reach.
 */
export const revokeAuthenticatorDevice = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string; deviceId: string } & TAuthenticatorUser,
  now = new Date(),
): Promise<void> => {
  const { tenantSlug, deviceId, ...reference } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const user = await findTenantUser(db, tenant, reference);
  const deleted =
    typeof deviceId === 'string' &&
    deviceId.length <= 200 &&
    (await deleteAuthenticatorDevice(db, { tenantId: tenant.id, userId: user.id, deviceId, actor: actorLabel(principal), now }));
  if (!deleted) throw new AdminError('not_found', `No authenticator ${JSON.stringify(deviceId)} for user ${user.email}.`);
};

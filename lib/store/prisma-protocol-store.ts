import type { Db } from '@/lib/db/client';
import type { ProtocolStore } from '@/lib/store/protocol-store';

const USER_SELECT = { id: true, tenantId: true, sub: true, email: true, emailVerified: true, name: true } as const;

/**
 * The protocol store over Prisma: used on PostgreSQL, where each statement
 * commits on its own and the server group-commits concurrent transactions.
 */
export const createPrismaProtocolStore = (db: Db): ProtocolStore => ({
  readSettingsEpoch: async () =>
    (await db.settingsEpoch.findUnique({ where: { id: 1 }, select: { epoch: true } }))?.epoch ?? 0,
  findTenantBySlug: (slug) => db.tenant.findUnique({ where: { slug }, select: { id: true, slug: true, name: true } }),
  findClientByClientId: (clientId) => db.client.findUnique({ where: { clientId } }),
  findUserBySub: (tenantId, sub) => db.user.findUnique({ where: { tenantId_sub: { tenantId, sub } }, select: USER_SELECT }),
  findUserByEmail: (tenantId, email) =>
    db.user.findUnique({ where: { tenantId_email: { tenantId, email } }, select: USER_SELECT }),
  findRequestForPoll: (authReqIdHash) =>
    db.backchannelRequest.findUnique({
      where: { authReqIdHash },
      select: {
        id: true,
        clientId: true,
        userId: true,
        status: true,
        scope: true,
        acr: true,
        interval: true,
        lastPolledAt: true,
        expiresAt: true,
        decidedAt: true,
      },
    }),
  recordPoll: async ({ id, previousPolledAt, now, intervalIncrement }) => {
    const { count } = await db.backchannelRequest.updateMany({
      where: { id, lastPolledAt: previousPolledAt },
      data: { lastPolledAt: now, interval: { increment: intervalIncrement } },
    });

    return count === 1;
  },
  createRequest: async ({ approvalLink, notification, ...request }) => {
    await db.$transaction(async (tx) => {
      await tx.backchannelRequest.create({
        data: { ...request, status: 'pending', approvalLinks: { create: approvalLink } },
        select: { id: true },
      });
      if (notification) await tx.emailMessage.create({ data: notification, select: { id: true } });
    });
  },
  recordEmail: async (message) => {
    await db.emailMessage.create({ data: message, select: { id: true } });
  },
  recordEmailOutcome: async (id, outcome) => {
    await db.emailMessage.update({ where: { id }, data: outcome, select: { id: true } });
  },
  close: async () => {},
});

import { randomUUID } from 'node:crypto';
import type { Adapter, AdapterSession, AdapterUser, VerificationToken } from 'next-auth/adapters';
import { recordAdminEvent } from '@/lib/admin/audit';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';

export type AdminAdapterOptions = {
  /** ADMIN_EMAILS, lower-cased: owners, created on their first sign-in. */
  ownerEmails: readonly string[];
};

/** The console's users are the Admin rows; the Auth.js "user" is an admin. */
const ADMIN_USER_COLUMNS = { id: true, email: true, name: true, emailVerified: true } as const;

type AdminUserRow = { id: string; email: string; name: string | null; emailVerified: Date | null };

const toAdapterUser = (row: AdminUserRow): AdapterUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  emailVerified: row.emailVerified,
});

/** Prisma's "record to delete does not exist" (P2025), by code so it holds for both generated clients. */
const isRecordNotFound = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2025';

/** The principal an owner's own first sign-in acts as, for the audit record of its creation or promotion. */
const bootstrapPrincipal = (id: string, email: string): Principal => ({
  kind: 'admin',
  id,
  email,
  role: 'owner',
  tenantIds: new Set(),
});

/**
 * The Auth.js adapter of the console over our own tables: Admin (the user),
 * AdminSession and AdminVerificationToken. Auth.js's Prisma adapter cannot be
 * used: its `User` is our end-users' table.
 *
 * - Sessions: only the SHA-256 of a session token is stored; every lookup
 *   hashes the cookie's token first, so a database leak yields no usable session.
 * - Verification tokens arrive already hashed (Auth.js hashes token + secret);
 *   using one deletes it in the same statement, so a link works once.
 * - Admins: `createUser` only creates an owner named in ADMIN_EMAILS (anyone
 *   else must have been invited first); every sign-in of an ADMIN_EMAILS
 *   address makes it an owner. Both changes are recorded in the audit log.
 */
export const createAdminAdapter = (db: Db, options: AdminAdapterOptions): Adapter => {
  const isOwnerEmail = (email: string) => options.ownerEmails.includes(email.toLowerCase());

  return {
    async createUser(user) {
      const email = user.email.toLowerCase();
      if (!isOwnerEmail(email)) throw new Error(`${email} is not an administrator (not invited, not in ADMIN_EMAILS).`);
      const id = randomUUID();

      return db.$transaction(async (tx) => {
        const row = await tx.admin.create({
          data: { id, email, name: user.name ?? null, role: 'owner', emailVerified: user.emailVerified },
          select: ADMIN_USER_COLUMNS,
        });
        await recordAdminEvent(tx, {
          principal: bootstrapPrincipal(id, email),
          type: 'admin_created',
          tenantId: null,
          change: { target: email, before: null, after: { email, role: 'owner', source: 'ADMIN_EMAILS' } },
        });

        return toAdapterUser(row);
      });
    },

    async getUser(id) {
      const row = await db.admin.findUnique({ where: { id }, select: ADMIN_USER_COLUMNS });

      return row ? toAdapterUser(row) : null;
    },

    async getUserByEmail(email) {
      const row = await db.admin.findUnique({ where: { email: email.toLowerCase() }, select: ADMIN_USER_COLUMNS });

      return row ? toAdapterUser(row) : null;
    },

    async updateUser(user) {
      return db.$transaction(async (tx) => {
        const current = await tx.admin.findUniqueOrThrow({ where: { id: user.id }, select: { email: true, role: true } });
        const promote = isOwnerEmail(current.email) && current.role !== 'owner';
        const row = await tx.admin.update({
          where: { id: user.id },
          data: {
            ...(user.emailVerified !== undefined ? { emailVerified: user.emailVerified } : {}),
            ...(user.name !== undefined ? { name: user.name } : {}),
            ...(promote ? { role: 'owner' } : {}),
          },
          select: ADMIN_USER_COLUMNS,
        });
        if (promote) {
          await recordAdminEvent(tx, {
            principal: bootstrapPrincipal(user.id, current.email),
            type: 'admin_updated',
            tenantId: null,
            change: { target: current.email, before: { role: current.role }, after: { role: 'owner', source: 'ADMIN_EMAILS' } },
          });
        }

        return toAdapterUser(row);
      });
    },

    async createSession(session): Promise<AdapterSession> {
      await db.adminSession.create({
        data: {
          id: randomUUID(),
          sessionTokenHash: sha256Base64Url(session.sessionToken),
          adminId: session.userId,
          expires: session.expires,
        },
        select: { id: true },
      });

      return { sessionToken: session.sessionToken, userId: session.userId, expires: session.expires };
    },

    async getSessionAndUser(sessionToken) {
      const row = await db.adminSession.findUnique({
        where: { sessionTokenHash: sha256Base64Url(sessionToken) },
        select: { adminId: true, expires: true, admin: { select: ADMIN_USER_COLUMNS } },
      });
      if (!row) return null;

      return { session: { sessionToken, userId: row.adminId, expires: row.expires }, user: toAdapterUser(row.admin) };
    },

    async updateSession(session) {
      const sessionTokenHash = sha256Base64Url(session.sessionToken);
      const { count } = await db.adminSession.updateMany({
        where: { sessionTokenHash },
        data: session.expires ? { expires: session.expires } : {},
      });
      if (count === 0) return null;
      const row = await db.adminSession.findUnique({ where: { sessionTokenHash }, select: { adminId: true, expires: true } });

      return row ? { sessionToken: session.sessionToken, userId: row.adminId, expires: row.expires } : null;
    },

    async deleteSession(sessionToken) {
      await db.adminSession.deleteMany({ where: { sessionTokenHash: sha256Base64Url(sessionToken) } });
    },

    async createVerificationToken(token: VerificationToken) {
      const identifier = token.identifier.toLowerCase();
      await db.$transaction([
        // An earlier link for the same address that was never used and has lapsed.
        db.adminVerificationToken.deleteMany({ where: { identifier, expires: { lt: new Date() } } }),
        db.adminVerificationToken.create({ data: { identifier, token: token.token, expires: token.expires } }),
      ]);

      return { identifier, token: token.token, expires: token.expires };
    },

    async useVerificationToken({ identifier, token }) {
      try {
        const row = await db.adminVerificationToken.delete({
          where: { token },
          select: { identifier: true, token: true, expires: true },
        });
        // A token presented for another address is spent all the same: it was guessed or leaked.
        if (identifier && row.identifier !== identifier.toLowerCase()) return null;

        return row;
      } catch (error) {
        if (isRecordNotFound(error)) return null;
        throw error;
      }
    },
  };
};

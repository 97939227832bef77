import type { Db } from '@/lib/db/client';

export type IsAdminEmailAllowedOptions = {
  /** Lower-cased. */
  email: string;
  /** ADMIN_EMAILS, lower-cased. */
  ownerEmails: readonly string[];
};

/**
 * Whether this address may sign in to the console: an owner named in
 * ADMIN_EMAILS (created on first sign-in), or an admin who was invited. Always
 * asks the database, so both answers cost the same.
 */
export const isAdminEmailAllowed = async (db: Db, { email, ownerEmails }: IsAdminEmailAllowedOptions): Promise<boolean> => {
  const admin = await db.admin.findUnique({ where: { email }, select: { id: true } });

  return admin !== null || ownerEmails.includes(email);
};

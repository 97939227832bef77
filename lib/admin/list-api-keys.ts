import { isOwnerLike, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** A Management API key as every admin door shows it: never the key or its hash. */
export type ApiKeyView = {
  id: string;
  name: string;
  /** The slug of the only tenant the key reaches; null for a key that reaches every tenant. */
  tenant: string | null;
  /** The key's first characters (`bck_` and 8 more), to recognise it. */
  prefix: string;
  /** Who created it: `admin:<id>`, `api_key:<id>` or `cli`. */
  created_by: string | null;
  created_at: string;
  /** When it last authenticated a request (updated at most once a minute); null if never. */
  last_used_at: string | null;
  /** When it was revoked; a revoked key authenticates nothing. */
  revoked_at: string | null;
};

/** Prisma `select` of what an ApiKeyView needs (never the hash). */
export const API_KEY_VIEW_COLUMNS = {
  id: true,
  name: true,
  prefix: true,
  createdBy: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  tenant: { select: { slug: true } },
} as const;

type ApiKeyViewRow = {
  id: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  tenant: { slug: string } | null;
};

export const toApiKeyView = (row: ApiKeyViewRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  tenant: row.tenant?.slug ?? null,
  prefix: row.prefix,
  created_by: row.createdBy,
  created_at: row.createdAt.toISOString(),
  last_used_at: row.lastUsedAt?.toISOString() ?? null,
  revoked_at: row.revokedAt?.toISOString() ?? null,
});

/** A position in the list of keys: the (created_at, id) of the last key of the previous page. */
export type ApiKeyListPosition = { created_at: string; id: string };

export type ListApiKeysOptions = {
  /** At most this many keys. */
  take: number;
  /** Only keys after this position (in list order); null or absent for the first. */
  after?: ApiKeyListPosition | null;
};

/** Which keys the principal may see: every one for owners; otherwise the keys of its tenants (never an all-tenant key). */
const visibleKeys = (principal: Principal) => {
  if (isOwnerLike(principal)) return {};
  if (principal.kind === 'admin') return { tenantId: { in: [...principal.tenantIds] } };

  return principal.kind === 'api_key' && principal.tenantId !== null ? { tenantId: principal.tenantId } : { id: { in: [] } };
};

const afterPosition = (after: ApiKeyListPosition | null | undefined) => {
  if (!after) return {};
  const createdAt = new Date(after.created_at);

  return { OR: [{ createdAt: { gt: createdAt } }, { createdAt, id: { gt: after.id } }] };
};

/**
 * The Management API keys the principal may see, revoked ones included,
 * oldest first (by creation time, then id), one page at a time: the caller
 * asks for one more than a page to learn whether another follows. Never a
 * key or its hash.
 */
export const listApiKeys = async (db: Db, principal: Principal, options: ListApiKeysOptions): Promise<ApiKeyView[]> => {
  const rows = await db.apiKey.findMany({
    where: { AND: [visibleKeys(principal), afterPosition(options.after)] },
    select: API_KEY_VIEW_COLUMNS,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: options.take,
  });

  return rows.map(toApiKeyView);
};

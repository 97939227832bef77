import { z } from 'zod';
import { eventPositionOf, eventsBefore, ZEventCursorSchema } from '@/lib/admin/event-cursor';
import { EVENT_VIEW_COLUMNS, toEventViews, type EventView } from '@/lib/admin/event-view';
import { decodePageCursor, pageOf, ZPageCursorSchema, ZPageLimitSchema, type Page } from '@/lib/admin/page-cursor';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireOwner, requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { REGISTRATION_ACTOR_PREFIX, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** The query of the audit log: a search and a page. */
export const ZListAuditEventsSchema = z
  .strictObject({
    /** Text to find in the event type, the actor (`admin:<id>`, `api_key:<id>`, `cli`, or an admin's email or a key's name) or the change (target, before, after). */
    q: z.string({ error: 'must be text' }).trim().max(200, { error: 'must be at most 200 characters' }).optional(),
    limit: ZPageLimitSchema,
    cursor: ZPageCursorSchema,
  })
  .meta({ title: 'ListAuditEventsQuery' });
export type TListAuditEvents = z.input<typeof ZListAuditEventsSchema>;

export type ListAuditEventsOptions = {
  /** One tenant's administrative events; absent: every tenant's and those outside any tenant (owners only). */
  tenantSlug?: string;
} & TListAuditEvents;

/** An administrative event: who (and a readable name for them), where, what. */
export type AuditEventView = EventView & {
  actor: string;
  /** The admin's email, the API key's name, or "CLI"; null for one since deleted. */
  actor_name: string | null;
  /** The tenant's slug; null outside any tenant. */
  tenant: string | null;
  /** What the change touched (a client_id, a slug, a user id, a kid, an email). */
  target: string | null;
};

/** How dynamic registration reads in the log: with the initial access token's name, or the client acting on itself. */
const registrationName = (tokenName: string): string => `Dynamic registration (${tokenName})`;

/** Actors whose readable name contains `q` (case-sensitive, as the search): admins by email, API keys and initial access tokens by name. */
const actorsNamed = async (db: Db, q: string): Promise<string[]> => {
  const [admins, apiKeys, tokens] = await Promise.all([
    db.admin.findMany({ where: { email: { contains: q } }, select: { id: true, email: true }, take: 100 }),
    db.apiKey.findMany({ where: { name: { contains: q } }, select: { id: true, name: true }, take: 100 }),
    db.initialAccessToken.findMany({ where: { name: { contains: q } }, select: { id: true, name: true }, take: 100 }),
  ]);

  return [
    ...admins.filter((admin) => admin.email.includes(q)).map((admin) => `admin:${admin.id}`),
    ...apiKeys.filter((key) => key.name.includes(q)).map((key) => `api_key:${key.id}`),
    ...tokens
      .filter((token) => registrationName(token.name).includes(q))
      .map((token) => `${REGISTRATION_ACTOR_PREFIX.initial_access_token}${token.id}`),
  ];
};

/** Rows read per query while searching: LIKE (which treats `_` and `%` as wildcards and ignores case on SQLite) may over-match. */
const SEARCH_BATCH = 200;

/** Readable names of these actors, read in three queries. */
const actorNames = async (db: Db, actors: readonly string[]): Promise<Map<string, string>> => {
  const idsOf = (kind: string) => actors.flatMap((actor) => (actor.startsWith(`${kind}:`) ? [actor.slice(kind.length + 1)] : []));
  const [admins, apiKeys, tokens] = await Promise.all([
    db.admin.findMany({ where: { id: { in: idsOf('admin') } }, select: { id: true, email: true } }),
    db.apiKey.findMany({ where: { id: { in: idsOf('api_key') } }, select: { id: true, name: true } }),
    db.initialAccessToken.findMany({ where: { id: { in: idsOf('registration') } }, select: { id: true, name: true } }),
  ]);
  const clientPrefix = REGISTRATION_ACTOR_PREFIX.registration_access_token;

  return new Map<string, string>([
    ['cli', 'CLI'],
    ...admins.map((admin): [string, string] => [`admin:${admin.id}`, admin.email]),
    ...apiKeys.map((key): [string, string] => [`api_key:${key.id}`, key.name]),
    ...tokens.map((token): [string, string] => [
      `${REGISTRATION_ACTOR_PREFIX.initial_access_token}${token.id}`,
      registrationName(token.name),
    ]),
    ...actors
      .filter((actor) => actor.startsWith(clientPrefix))
      .map((actor): [string, string] => [actor, registrationName(`client ${actor.slice(clientPrefix.length)}`)]),
  ]);
};

/**
 * The audit log: administrative events (those with an actor), newest first,
 * one page at a time — of one tenant, or (owners only) of every tenant and
 * outside any tenant. `q` finds text (exactly, case-sensitive) in the type,
 * the actor, the actor's email or key name, or the change record.
 *
 * @throws AdminError `invalid_input` for a bad search, limit or cursor; `not_found` for an unknown tenant; `forbidden` for a tenant out of reach, or for the whole log unless the principal is owner-like.
 */
export const listAuditEvents = async (
  db: Db,
  principal: Principal,
  options: ListAuditEventsOptions,
): Promise<Page<AuditEventView>> => {
  const { tenantSlug, ...query } = options;
  let tenantId: string | undefined;
  if (tenantSlug === undefined) requireOwner(principal, 'read the audit log of every tenant');
  else tenantId = (await requireTenantAccess(db, principal, tenantSlug)).id;
  const { q, limit, cursor } = parseInputOrThrow(ZListAuditEventsSchema, query);
  const position = decodePageCursor(ZEventCursorSchema, cursor);

  const where = { actor: { not: null }, ...(tenantId === undefined ? {} : { tenantId }) };
  const select = { ...EVENT_VIEW_COLUMNS, tenant: { select: { slug: true } } };
  const orderBy = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
  let rows;
  if (!q) {
    rows = await db.event.findMany({ where: { ...where, ...eventsBefore(position) }, select, orderBy, take: limit + 1 });
  } else {
    const named = await actorsNamed(db, q);
    const like = {
      OR: [{ type: { contains: q } }, { actor: { contains: q } }, { detail: { contains: q } }, { actor: { in: named } }],
    };
    const matches = (row: { type: string; actor: string | null; detail: string | null }) =>
      row.type.includes(q) || row.actor!.includes(q) || (row.detail ?? '').includes(q) || named.includes(row.actor!);
    rows = [];
    for (let after = position; rows.length <= limit;) {
      const batch = await db.event.findMany({
        where: { ...where, ...like, ...eventsBefore(after) },
        select,
        orderBy,
        take: SEARCH_BATCH,
      });
      rows.push(...batch.filter(matches));
      if (batch.length < SEARCH_BATCH) break;
      after = eventPositionOf(batch[batch.length - 1]);
    }
  }
  const page = pageOf(rows, { limit, toView: (row) => row, positionOf: eventPositionOf });
  const [views, names] = await Promise.all([
    toEventViews(db, page.data),
    actorNames(
      db,
      page.data.map((row) => row.actor!),
    ),
  ]);

  return {
    data: views.map((view, index) => {
      const actor = page.data[index].actor!;
      const target = view.detail?.target;

      return {
        ...view,
        actor,
        actor_name: names.get(actor) ?? null,
        tenant: page.data[index].tenant?.slug ?? null,
        target: typeof target === 'string' ? target : null,
      };
    }),
    next_cursor: page.next_cursor,
  };
};

import { z } from 'zod';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import { APPROVAL_EMAIL_TYPE, buildApprovalEmail } from '@/lib/ciba/approval-email';
import { approvalUrlFor } from '@/lib/ciba/approval-link';
import type { Db } from '@/lib/db/client';
import { DEVELOPMENT_OUTBOX_ID } from '@/lib/email/deliver-email';
import { getEnv } from '@/lib/env';
import { openOutboxSecret } from '@/lib/outbox/outbox-secret';
import { isRequestExpired, type RequestStatus } from '@/lib/store/request-lifecycle';

/** How many emails a development outbox list holds. */
export const DEVELOPMENT_EMAILS_LIMIT = { max: 100, default: 20 } as const;

const limitMessage = `must be a whole number from 1 to ${DEVELOPMENT_EMAILS_LIMIT.max}`;

export const ZListDevelopmentEmailsSchema = z
  .strictObject({
    limit: z.coerce
      .number({ error: limitMessage })
      .int({ error: limitMessage })
      .min(1, { error: limitMessage })
      .max(DEVELOPMENT_EMAILS_LIMIT.max, { error: limitMessage })
      .default(DEVELOPMENT_EMAILS_LIMIT.default),
  })
  .meta({ title: 'ListDevelopmentEmailsQuery' });
export type TListDevelopmentEmails = z.input<typeof ZListDevelopmentEmailsSchema>;

export type ListDevelopmentEmailsOptions = { tenantSlug: string } & TListDevelopmentEmails;

/** An approval email as the development outbox printed it, re-rendered from the request as stored. */
export type DevelopmentEmailView = {
  /** The outbox message id (the email's idempotency key). */
  id: string;
  /** When it was printed (the delivery was recorded). */
  sent_at: string;
  to: string;
  subject: string;
  /** The text part; without a usable link once the request is no longer pending, saying why. */
  text: string;
  /** The request the email asks the user to decide, with its status now (expired once past its expiry). */
  request: { id: string; status: RequestStatus };
  /** The approval page, only while the request is pending and not expired; null otherwise. */
  approval_url: string | null;
};

/** Prisma `select` of what a DevelopmentEmailView needs. */
const DEVELOPMENT_EMAIL_COLUMNS = {
  id: true,
  encryptedSecret: true,
  createdAt: true,
  finishedAt: true,
  request: {
    select: {
      id: true,
      status: true,
      scope: true,
      bindingMessage: true,
      expiresAt: true,
      client: { select: { name: true } },
      user: { select: { email: true, name: true } },
    },
  },
} as const;

/** The link of a message, or why there is none. */
const approvalLinkOf = (
  message: { id: string; encryptedSecret: string | null },
  tenantSlug: string,
  status: RequestStatus,
): { url: string } | { unusable: string } => {
  if (status !== 'pending') {
    return { unusable: `The link is no longer usable: the request ${status === 'expired' ? 'expired' : `was ${status}`}.` };
  }
  if (message.encryptedSecret === null) return { unusable: 'The link was not kept for this email.' };
  const token = openOutboxSecret(message.encryptedSecret, message.id);
  if (token === null) return { unusable: "The link cannot be opened with this server's key-encryption key." };

  return { url: approvalUrlFor(tenantSlug, token) };
};

/**
 * The newest approval emails of a tenant that went to the development outbox
 * (no RESEND_API_KEY: printed in the server log, not sent), newest first
 * (outbox ids are UUIDv7), so a fresh install with no email provider can
 * follow approval links from the console. The development outbox keeps each
 * message's sealed link token; the link is given only while its request is
 * pending and not expired. With RESEND_API_KEY set the list is empty: emails
 * go to Resend and nothing is kept.
 *
 * @throws AdminError `invalid_input` for a bad limit; `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const listDevelopmentEmails = async (
  db: Db,
  principal: Principal,
  options: ListDevelopmentEmailsOptions,
): Promise<DevelopmentEmailView[]> => {
  const { tenantSlug, ...query } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { limit } = parseInputOrThrow(ZListDevelopmentEmailsSchema, query);
  if (getEnv().resendApiKey) return [];
  const now = new Date();

  const messages = await db.outboxMessage.findMany({
    where: {
      tenantId: tenant.id,
      type: APPROVAL_EMAIL_TYPE,
      status: 'delivered',
      providerMessageId: DEVELOPMENT_OUTBOX_ID,
      requestId: { not: null },
    },
    select: DEVELOPMENT_EMAIL_COLUMNS,
    orderBy: { id: 'desc' },
    take: limit,
  });

  return messages.flatMap((message): DevelopmentEmailView[] => {
    const { request } = message;
    if (!request) return [];
    const status = isRequestExpired(request, now) ? 'expired' : request.status;
    const link = approvalLinkOf(message, tenant.slug, status);
    const email = buildApprovalEmail({
      tenant: { name: tenant.name },
      client: { name: request.client.name },
      user: request.user,
      request: { bindingMessage: request.bindingMessage, scope: request.scope, expiresAt: request.expiresAt },
      url: 'url' in link ? link.url : link.unusable,
    });

    return [
      {
        id: message.id,
        sent_at: (message.finishedAt ?? message.createdAt).toISOString(),
        to: request.user.email,
        subject: email.subject,
        text: email.text,
        request: { id: request.id, status },
        approval_url: 'url' in link ? link.url : null,
      },
    ];
  });
};

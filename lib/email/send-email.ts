import { randomUUID } from 'node:crypto';
import { Resend } from 'resend';
import { getEnv } from '@/lib/env';
import type { EmailMessage } from '@/lib/generated/sqlite/client';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** Where email records go: the protocol store (group-committed on SQLite). */
export type EmailSink = Pick<ProtocolStore, 'recordEmail'>;

/** How long we wait for the email provider before recording the attempt as failed. */
export const EMAIL_SEND_TIMEOUT_MS = 10_000;

/** What replaces each redacted secret in the stored copy of a sent email. */
export const REDACTED = '[redacted]';

export type SendEmailInput = {
  tenantId: string;
  requestId?: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * Secrets (e.g. the approval link token) that must not be stored once the
   * email has really been sent: the stored copy has each one replaced by
   * `[redacted]`, so reading the EmailMessage table yields no usable link.
   * Ignored in outbox mode, where the stored copy is the only delivery.
   */
  redact?: readonly string[];
};

export type EmailStatus = 'sent' | 'failed' | 'outbox';

const redactSecrets = (value: string, secrets: readonly string[]): string =>
  secrets.filter((secret) => secret.length > 0).reduce((result, secret) => result.split(secret).join(REDACTED), value);

type DeliveryResult = { status: 'sent'; providerMessageId: string } | { status: 'failed'; error: string };

const describeError = (error: unknown): string => {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object') {
    const { name, message, statusCode } = error as { name?: unknown; message?: unknown; statusCode?: unknown };
    const parts = [typeof statusCode === 'number' ? `HTTP ${statusCode}` : null, name, message].filter(
      (part): part is string => typeof part === 'string' && part.length > 0,
    );
    if (parts.length > 0) return parts.join(': ');
  }

  return String(error);
};

/**
 * One delivery attempt through the resend SDK. The SDK reports provider
 * errors as `{ error }` rather than throwing; network errors and timeouts are
 * caught here too, so this never throws.
 */
const deliverThroughResend = async (
  apiKey: string,
  message: { id: string; to: string; subject: string; text: string; html: string },
): Promise<DeliveryResult> => {
  const { emailFrom, resendBaseUrl } = getEnv();
  try {
    // `baseUrl` from RESEND_BASE_URL (the SDK would read it too; passing it
    // keeps lib/env.ts the only reader of process.env). Undefined = api.resend.com.
    const resend = new Resend(apiKey, resendBaseUrl ? { baseUrl: resendBaseUrl } : undefined);
    const { data, error } = await resend.emails.send(
      { from: emailFrom, to: [message.to], subject: message.subject, text: message.text, html: message.html },
      { idempotencyKey: `email-${message.id}`, signal: AbortSignal.timeout(EMAIL_SEND_TIMEOUT_MS) },
    );
    if (error) return { status: 'failed', error: describeError(error) };
    if (!data?.id) return { status: 'failed', error: 'Resend answered without a message id.' };

    return { status: 'sent', providerMessageId: data.id };
  } catch (error) {
    return { status: 'failed', error: describeError(error) };
  }
};

const printOutboxMessage = (message: { id: string; to: string; subject: string; text: string }): void => {
  const rule = '─'.repeat(72);
  console.log(
    [
      '',
      rule,
      `Email outbox (RESEND_API_KEY is not set, nothing was sent) · message ${message.id}`,
      `To:      ${message.to}`,
      `Subject: ${message.subject}`,
      rule,
      message.text,
      rule,
      '',
    ].join('\n'),
  );
};

/**
 * Sends one email and records the attempt as an EmailMessage row.
 *
 * - With RESEND_API_KEY: sends through Resend from EMAIL_FROM. The row is
 *   "sent" (providerMessageId, sentAt) or "failed" (error). A provider
 *   failure never throws; the caller's request is unaffected. The stored
 *   text/html have every `redact` secret replaced.
 * - Without RESEND_API_KEY: the development outbox. The row is "outbox",
 *   and the message is printed to the server log. The FULL body is kept,
 *   link included, on purpose: it is the developer's only way to reach the
 *   approval page. Do not run a production instance without a key.
 *
 * Only a failure to write the row itself (database unavailable) rejects.
 */
export const sendEmail = async (sink: EmailSink, input: SendEmailInput): Promise<EmailMessage> => {
  const { resendApiKey } = getEnv();
  const id = randomUUID();
  const base = {
    id,
    tenantId: input.tenantId,
    requestId: input.requestId ?? null,
    to: input.to,
    subject: input.subject,
    providerMessageId: null,
    error: null,
    createdAt: new Date(),
    sentAt: null,
  };
  const record = async (message: EmailMessage) => {
    await sink.recordEmail(message);

    return message;
  };

  if (!resendApiKey) {
    printOutboxMessage({ id, to: input.to, subject: input.subject, text: input.text });

    return record({ ...base, text: input.text, html: input.html, status: 'outbox' });
  }

  const result = await deliverThroughResend(resendApiKey, { id, ...input });
  const secrets = input.redact ?? [];
  const stored = { ...base, text: redactSecrets(input.text, secrets), html: redactSecrets(input.html, secrets) };
  if (result.status === 'failed') {
    console.error(`[email] sending message ${id} to ${input.to} failed: ${result.error}`);

    return record({ ...stored, status: 'failed', error: result.error.slice(0, 2000) });
  }

  return record({ ...stored, status: 'sent', providerMessageId: result.providerMessageId, sentAt: new Date() });
};

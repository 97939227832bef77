import { randomUUID } from 'node:crypto';
import { Resend } from 'resend';
import { getEnv } from '@/lib/env';
import type { EmailMessage } from '@/lib/generated/sqlite/client';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** Where email records go: the protocol store (group-committed on SQLite). */
export type EmailSink = Pick<ProtocolStore, 'recordEmail' | 'recordEmailOutcome'>;

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

/** "sending" until the provider answers; a crash leaves it for failInterruptedEmails. */
export type EmailStatus = 'outbox' | 'sending' | 'sent' | 'failed';

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

/** An email recorded before it is sent, and the step that sends it. */
export type QueuedEmail = {
  /**
   * The row to store before anything is sent — ideally in the same write as
   * whatever the email is about, so no crash can leave an event without its
   * notification record. Status "outbox" (no RESEND_API_KEY: the full body,
   * link included, on purpose: it is the developer's only way to reach the
   * approval page) or "sending" (bodies with every `redact` secret replaced).
   */
  record: EmailMessage;
  /**
   * Runs once the row is stored: prints an outbox message to the server log,
   * or delivers through Resend and records "sent" (providerMessageId,
   * sentAt) or "failed" (error). Resolves with the final row. A provider
   * failure never rejects; only a failure to update the row does.
   */
  dispatch: (sink: EmailSink) => Promise<EmailMessage>;
};

/** Prepares one email for recording and dispatch (see QueuedEmail). */
export const queueEmail = (input: SendEmailInput, now = new Date()): QueuedEmail => {
  const { resendApiKey } = getEnv();
  const base = {
    id: randomUUID(),
    tenantId: input.tenantId,
    requestId: input.requestId ?? null,
    to: input.to,
    subject: input.subject,
    providerMessageId: null,
    error: null,
    createdAt: now,
    sentAt: null,
  };
  if (!resendApiKey) {
    const record: EmailMessage = { ...base, text: input.text, html: input.html, status: 'outbox' };

    return {
      record,
      dispatch: async () => {
        printOutboxMessage({ id: record.id, to: record.to, subject: record.subject, text: record.text });

        return record;
      },
    };
  }
  const secrets = input.redact ?? [];
  const record: EmailMessage = {
    ...base,
    text: redactSecrets(input.text, secrets),
    html: redactSecrets(input.html, secrets),
    status: 'sending',
  };

  return {
    record,
    dispatch: async (sink) => {
      const result = await deliverThroughResend(resendApiKey, { id: record.id, ...input });
      const outcome =
        result.status === 'sent'
          ? { status: 'sent', providerMessageId: result.providerMessageId, error: null, sentAt: new Date() }
          : { status: 'failed', providerMessageId: null, error: result.error.slice(0, 2000), sentAt: null };
      if (result.status === 'failed') console.error(`[email] sending message ${record.id} to ${record.to} failed: ${result.error}`);
      await sink.recordEmailOutcome(record.id, outcome);

      return { ...record, ...outcome };
    },
  };
};

/** Records and sends one email (queueEmail, then its dispatch). Resolves with the final row. */
export const sendEmail = async (sink: EmailSink, input: SendEmailInput): Promise<EmailMessage> => {
  const queued = queueEmail(input);
  await sink.recordEmail(queued.record);

  return queued.dispatch(sink);
};

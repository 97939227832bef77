import { Resend } from 'resend';
import { getEnv } from '@/lib/env';

/** How long we wait for the email provider before counting the attempt as failed. */
export const EMAIL_SEND_TIMEOUT_MS = 10_000;

export type OutgoingEmail = {
  /** Stable across retries: the provider's idempotency key, so a retried send is delivered once. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The one link the email is for (approval, sign-in): the development outbox prints it. */
  link?: string;
};

export type DeliveryResult =
  | {
      ok: true;
      providerMessageId: string;
      /**
       * Keep the message's sealed secret after delivery (set by the development
       * outbox only): the developer's only way to the link is then the console's
       * development outbox viewer. The token stays sealed under the
       * key-encryption key, as it was before delivery. With a real provider the
       * secret is erased once the message is final.
       */
      keepSecret?: true;
    }
  /** `retryable`: a network error, a timeout, a rate limit or a provider fault; otherwise the provider refused the email itself. */
  | { ok: false; error: string; retryable: boolean };

/** The provider message id recorded for the development outbox. */
export const DEVELOPMENT_OUTBOX_ID = 'development-outbox';

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

/** Resend's `{ statusCode }`: 429 and 5xx are worth retrying, other 4xx are not; no status means no answer. */
const isRetryable = (error: unknown): boolean => {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;

  return typeof status !== 'number' || status === 429 || status >= 500;
};

const deliverThroughResend = async (apiKey: string, email: OutgoingEmail): Promise<DeliveryResult> => {
  const { emailFrom, resendBaseUrl } = getEnv();
  try {
    const resend = new Resend(apiKey, resendBaseUrl ? { baseUrl: resendBaseUrl } : undefined);
    const { data, error } = await resend.emails.send(
      { from: emailFrom, to: [email.to], subject: email.subject, text: email.text, html: email.html },
      { idempotencyKey: email.idempotencyKey, signal: AbortSignal.timeout(EMAIL_SEND_TIMEOUT_MS) },
    );
    if (error) return { ok: false, error: describeError(error), retryable: isRetryable(error) };
    if (!data?.id) return { ok: false, error: 'Resend answered without a message id.', retryable: true };

    return { ok: true, providerMessageId: data.id };
  } catch (error) {
    return { ok: false, error: describeError(error), retryable: true };
  }
};

/**
 * Without RESEND_API_KEY the email is summarised on standard output, one line
 * with its link (the developer's way to it); the whole approval email is in
 * the console's development outbox viewer.
 */
const printToDevelopmentOutbox = (email: OutgoingEmail): DeliveryResult => {
  const parts = [
    'Email outbox (RESEND_API_KEY is not set, nothing was sent)',
    `message ${email.idempotencyKey}`,
    `to ${email.to}`,
    JSON.stringify(email.subject),
    ...(email.link ? [email.link] : []),
  ];
  process.stdout.write(parts.join(' · ') + '\n');

  return { ok: true, providerMessageId: DEVELOPMENT_OUTBOX_ID, keepSecret: true };
};

/**
 * One delivery attempt of one email: through Resend (RESEND_API_KEY, at
 * RESEND_BASE_URL when set), or to the development outbox. Never throws.
 */
export const deliverEmail = async (email: OutgoingEmail): Promise<DeliveryResult> => {
  const { resendApiKey } = getEnv();

  return resendApiKey ? deliverThroughResend(resendApiKey, email) : printToDevelopmentOutbox(email);
};

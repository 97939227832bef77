import type { ClientMetadata } from '@/lib/clients/client-metadata';
import { CLIENT_SETTING_COLUMNS, type ClientSettingColumns } from '@/lib/clients/client-settings-columns';
import { parseClientSettings } from '@/lib/clients/parse-client-settings';

/**
 * A client as every admin door shows it: its client_id, when it was issued
 * (RFC 7591 §3.2.1, seconds since the epoch) and its metadata. Never a secret.
 */
export type ClientView = { client_id: string; client_id_issued_at: number } & ClientMetadata;

/** Prisma `select` of what a ClientView needs (never the secret hash). */
export const CLIENT_VIEW_COLUMNS = { clientId: true, createdAt: true, ...CLIENT_SETTING_COLUMNS } as const;

/**
 * The view of a stored client.
 *
 * @throws InvalidStoredClientError when its stored settings are invalid.
 */
export const toClientView = (row: { clientId: string; createdAt: Date } & ClientSettingColumns): ClientView => ({
  client_id: row.clientId,
  client_id_issued_at: Math.floor(row.createdAt.getTime() / 1000),
  ...parseClientSettings(row),
});

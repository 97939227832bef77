import { ZClientMetadataSchema, type ClientMetadata } from '@/lib/clients/client-metadata';
import { toUncheckedClientMetadata, type ClientSettingColumns } from '@/lib/clients/client-settings-columns';

/**
 * A stored client whose settings the schema refuses (edited by hand, or
 * written by an older version): it is refused until they are fixed, never
 * served with settings the server does not understand.
 */
export class InvalidStoredClientError extends Error {
  override readonly name = 'InvalidStoredClientError';

  constructor(
    readonly clientId: string,
    readonly fields: readonly { path: string; message: string }[],
  ) {
    super(
      `Client ${clientId} has invalid stored settings and is refused until they are fixed ` +
        `(backchannel client update): ${fields.map(({ path, message }) => `${path}: ${message}`).join('; ')}`,
    );
  }
}

/**
 * A stored client's settings as validated metadata.
 *
 * @throws InvalidStoredClientError when a column holds a value the schema refuses.
 */
export const parseClientSettings = (row: ClientSettingColumns & { clientId: string }): ClientMetadata => {
  const result = ZClientMetadataSchema.safeParse(toUncheckedClientMetadata(row));
  if (!result.success) {
    throw new InvalidStoredClientError(
      row.clientId,
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }

  return result.data;
};

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CLIENT_METADATA_DEFAULTS,
  ZClientMetadataCreateSchema,
  ZClientMetadataSchema,
  ZClientMetadataUpdateSchema,
} from '@/lib/clients/client-metadata';
import { toClientSettingColumns, toUncheckedClientMetadata } from '@/lib/clients/client-settings-columns';

const complete = { client_name: 'Desk', ...CLIENT_METADATA_DEFAULTS, grant_types: [...CLIENT_METADATA_DEFAULTS.grant_types] };

describe('client metadata schema', () => {
  it('accepts the defaults as a complete, valid client', () => {
    expect(ZClientMetadataSchema.parse(complete)).toEqual(complete);
  });

  it('maps metadata to columns and back without loss', () => {
    const metadata = ZClientMetadataSchema.parse({ ...complete, grant_types: [], backchannel_poll_interval: 7 });

    expect(ZClientMetadataSchema.parse(toUncheckedClientMetadata(toClientSettingColumns(metadata)))).toEqual(metadata);
  });

  it('leaves absent settings out of an update, without defaults', () => {
    expect(ZClientMetadataUpdateSchema.parse({ backchannel_poll_interval: 9 })).toEqual({ backchannel_poll_interval: 9 });
    expect(ZClientMetadataUpdateSchema.parse({})).toEqual({});
  });

  it('requires client_name on create only', () => {
    expect(ZClientMetadataCreateSchema.safeParse({}).error?.issues).toMatchObject([
      { path: ['client_name'], message: 'is required' },
    ]);
    expect(ZClientMetadataUpdateSchema.safeParse({}).success).toBe(true);
  });

  it('turns into JSON Schema for OpenAPI (create, update and the complete client)', () => {
    const create = z.toJSONSchema(ZClientMetadataCreateSchema) as { required: string[]; properties: Record<string, unknown> };

    expect(create.required).toEqual(['client_name']);
    expect(create.properties.backchannel_poll_interval).toEqual({ type: 'integer', minimum: 1, maximum: 300 });
    expect(create.properties.backchannel_long_poll_timeout).toEqual({ type: 'integer', minimum: 0, maximum: 25 });
    expect(create.properties.token_endpoint_auth_method).toEqual({
      type: 'string',
      enum: ['client_secret_basic', 'client_secret_post'],
    });
    expect(() => z.toJSONSchema(ZClientMetadataUpdateSchema)).not.toThrow();
    expect(() => z.toJSONSchema(ZClientMetadataSchema)).not.toThrow();
  });

  it('takes long polling off by default, from 0 to 25 seconds (under the 30 s CIBA §10.1 recommends)', () => {
    expect(CLIENT_METADATA_DEFAULTS.backchannel_long_poll_timeout).toBe(0);
    expect(ZClientMetadataSchema.parse({ ...complete, backchannel_long_poll_timeout: 25 }).backchannel_long_poll_timeout).toBe(
      25,
    );
    for (const refused of [26, -1, 2.5, '10']) {
      expect(
        ZClientMetadataSchema.safeParse({ ...complete, backchannel_long_poll_timeout: refused }).error?.issues,
      ).toMatchObject([
        {
          path: ['backchannel_long_poll_timeout'],
          message: `must be a whole number of seconds from 0 to 25 (got ${JSON.stringify(refused)})`,
        },
      ]);
    }
  });

  it('keeps echoed input short', () => {
    const message = ZClientMetadataUpdateSchema.safeParse({ binding_message_policy: 'x'.repeat(500) }).error?.issues[0].message;

    expect(message?.length).toBeLessThan(150);
  });
});

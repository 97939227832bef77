import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CLIENT_METADATA_DEFAULTS,
  ZClientMetadataCreateSchema,
  ZClientMetadataSchema,
  ZClientMetadataUpdateSchema,
} from '@/lib/clients/client-metadata';
import { toClientSettingColumns, toUncheckedClientMetadata } from '@/lib/clients/client-settings-columns';

const JWKS = { keys: [{ ...(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as object), kid: 'k1' }] };

/** A complete FAPI-CIBA client's own settings. */
const FAPI = {
  fapi_ciba: true,
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: JWKS,
  backchannel_authentication_request_signing_alg: 'PS256',
  binding_message_policy: 'required',
  id_token_signed_response_alg: 'ES256',
};

const complete = { client_name: 'Desk', ...CLIENT_METADATA_DEFAULTS, grant_types: [...CLIENT_METADATA_DEFAULTS.grant_types] };

describe('client metadata schema', () => {
  it('accepts the defaults as a complete, valid client', () => {
    expect(ZClientMetadataSchema.parse(complete)).toEqual(complete);
  });

  it('maps metadata to columns and back without loss', () => {
    const metadata = ZClientMetadataSchema.parse({ ...complete, grant_types: [], backchannel_poll_interval: 7 });

    expect(ZClientMetadataSchema.parse(toUncheckedClientMetadata(toClientSettingColumns(metadata)))).toEqual(metadata);
  });

  it('maps keys, certificate and profile settings to columns and back without loss', () => {
    const metadata = ZClientMetadataSchema.parse({
      ...complete,
      ...FAPI,
      backchannel_user_code_parameter: true,
      id_token_hint_grace_period: 60,
      token_endpoint_auth_signing_alg: 'ES256',
    });

    expect(ZClientMetadataSchema.parse(toUncheckedClientMetadata(toClientSettingColumns(metadata)))).toEqual(metadata);
  });

  it('takes keys from one source only, and no push mode under the FAPI-CIBA profile', () => {
    const issues = (input: object) =>
      ZClientMetadataSchema.safeParse({ ...complete, ...input }).error?.issues.map(({ path, message }) => ({ path, message }));

    expect(issues({ jwks: JWKS, jwks_uri: 'https://rp.example/jwks' })).toEqual([
      { path: ['jwks_uri'], message: 'must be null when jwks is set (one source of keys)' },
    ]);
    expect(
      issues({
        ...FAPI,
        backchannel_token_delivery_mode: 'push',
        backchannel_client_notification_endpoint: 'https://rp.example/cb',
      }),
    ).toEqual([
      {
        path: ['backchannel_token_delivery_mode'],
        message: 'must be poll or ping, never push for a FAPI-CIBA client (fapi_ciba)',
      },
    ]);
    expect(
      issues({
        ...FAPI,
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: 'https://rp.example/cb',
      }),
    ).toBeUndefined();
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
      enum: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'],
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

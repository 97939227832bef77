import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasAssertionAlg, isKeyAuthMethod, isSecretAuthMethod, needsSubjectDn } from '@/lib/clients/auth-method-kinds';
import { CLIENT_METADATA_DEFAULTS, usesClientSecret, ZClientMetadataSchema } from '@/lib/clients/client-metadata';
import { CLIENT_AUTH_METHODS } from '@/lib/oauth/client-auth/methods';

const jwks = { keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'k' }] };

/** The paths the metadata schema refuses for these settings (on top of the defaults). */
const refusedPaths = (settings: Record<string, unknown>): string[] => {
  const result = ZClientMetadataSchema.safeParse({ ...CLIENT_METADATA_DEFAULTS, client_name: 'App', ...settings });

  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('auth method kinds agree with the metadata schema (RFC 7591 §2, RFC 7523 §2.2, RFC 8705 §2)', () => {
  it.each(CLIENT_AUTH_METHODS)('%s', (method) => {
    expect(isSecretAuthMethod(method)).toBe(usesClientSecret(method));
    // Keys required exactly for the key methods.
    expect(
      refusedPaths({
        token_endpoint_auth_method: method,
        ...(needsSubjectDn(method) ? { tls_client_auth_subject_dn: 'CN=a' } : {}),
      }).includes('jwks'),
    ).toBe(isKeyAuthMethod(method));
    // A subject DN allowed (and required) only for tls_client_auth.
    expect(refusedPaths({ token_endpoint_auth_method: method, jwks, tls_client_auth_subject_dn: 'CN=a' })).toEqual(
      needsSubjectDn(method) ? [] : ['tls_client_auth_subject_dn'],
    );
    // An assertion alg only for private_key_jwt.
    const withAlg = refusedPaths({
      token_endpoint_auth_method: method,
      jwks,
      token_endpoint_auth_signing_alg: 'ES256',
      ...(needsSubjectDn(method) ? { tls_client_auth_subject_dn: 'CN=a' } : {}),
    });
    expect(withAlg).toEqual(hasAssertionAlg(method) ? [] : ['token_endpoint_auth_signing_alg']);
  });
});

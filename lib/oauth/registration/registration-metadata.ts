/**
 * Client metadata as dynamic registration receives and returns it (RFC 7591
 * §2, §3.2.1; RFC 7592 §2.2; CIBA §4). The settings themselves are
 * validated by the one client schema (lib/clients/client-metadata.ts) inside
 * createClient / updateClient; this module only handles what RFC 7591 lets a
 * client send that this server does not store:
 *
 * Ignored (accepted and not stored, so not echoed back): `client_uri`,
 * `logo_uri`, `tos_uri`, `policy_uri`, `contacts`, `software_id`,
 * `software_version`, `software_statement` (not verified: RFC 7591 §3.1.1
 * lets a server ignore it), and `redirect_uris` / `response_types` when
 * empty. At the configuration endpoint also the fields RFC 7592 §2.2 says
 * to ignore (`registration_access_token`, `registration_client_uri`,
 * `client_secret_expires_at`, `client_id_issued_at`).
 *
 * Refused (invalid_client_metadata, naming the field): a non-empty
 * `redirect_uris` or `response_types` (a CIBA provider has no
 * redirect-based flow, so such a client could never work);
 * `tls_client_certificate_bound_access_tokens` (RFC 8705 §3.4) when it does
 * not match what the server does, which is to bind the tokens of exactly the
 * mutual-TLS clients; any other field the client schema does not know
 * (e.g. `scope`, `jwks` with `jwks_uri`, …).
 */
import { invalidClientMetadata } from '@/lib/oauth/errors';
import type { ProtocolRequest } from '@/lib/http/protocol-http';
import { MTLS_AUTH_METHODS } from '@/lib/clients/client-metadata';
import type { ClientAuthMethod } from '@/lib/oauth/client-auth/methods';
import type { ClientView } from '@/lib/admin/client-view';
import type { AdminFieldError } from '@/lib/admin/errors';

/** RFC 7591 §2 fields this server accepts and does not store. */
const IGNORED_FIELDS = [
  'client_uri',
  'logo_uri',
  'tos_uri',
  'policy_uri',
  'contacts',
  'software_id',
  'software_version',
  'software_statement',
] as const;

/** RFC 7592 §2.2: fields the server MUST ignore in an update request. */
const IGNORED_ON_UPDATE = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
];

/** Longest default client_name (ZDisplayNameSchema's limit). */
const NAME_MAX_LENGTH = 100;

/**
 * The name of a client that registered without `client_name` (optional in
 * RFC 7591): "Registered with <initial access token name>", cut to fit.
 */
export const defaultRegisteredClientName = (tokenName: string): string =>
  [...`Registered with ${tokenName}`].slice(0, NAME_MAX_LENGTH).join('');

/**
 * The JSON object of a registration or update request (RFC 7591 §3.1:
 * `application/json`).
 *
 * @throws OAuthError 400 invalid_client_metadata for any other content type, a body that is not JSON, or JSON that is not an object.
 */
export const parseRegistrationBody = (request: ProtocolRequest): Record<string, unknown> => {
  const mediaType = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json') throw invalidClientMetadata('The request body must be application/json.');
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
  } catch {
    throw invalidClientMetadata('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidClientMetadata('The request body must be a JSON object of client metadata.');
  }

  return body as Record<string, unknown>;
};

/** `<field>: <message>; …`, the error_description of invalid_client_metadata. */
export const describeFieldErrors = (fields: readonly AdminFieldError[]): string =>
  fields.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join('; ');

const isEmptyList = (value: unknown): boolean => Array.isArray(value) && value.length === 0;

/**
 * The client-schema input of a registration body: the ignored fields
 * dropped, the refused ones refused, `client_name` defaulted. What remains
 * goes to the client schema unchanged (so its unknown fields are refused
 * there, with the other field errors).
 *
 * @throws OAuthError 400 invalid_client_metadata naming each refused field.
 */
export const toClientMetadataInput = (
  body: Record<string, unknown>,
  options: { defaultName: string; update?: boolean },
): Record<string, unknown> => {
  const problems: AdminFieldError[] = [];
  const input: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if ((IGNORED_FIELDS as readonly string[]).includes(field)) continue;
    if (options.update && IGNORED_ON_UPDATE.includes(field)) continue;
    if (field === 'redirect_uris' || field === 'response_types') {
      if (!isEmptyList(value)) {
        problems.push({
          path: field,
          message: 'must be empty or absent: this provider has no redirect-based flow (CIBA only)',
        });
      }
      continue;
    }
    if (field === 'tls_client_certificate_bound_access_tokens') continue;
    input[field] = value;
  }
  const bound = body.tls_client_certificate_bound_access_tokens;
  if (bound !== undefined) {
    const method = (input.token_endpoint_auth_method ?? 'client_secret_basic') as ClientAuthMethod;
    const isMtls = MTLS_AUTH_METHODS.includes(method);
    if (typeof bound !== 'boolean') {
      problems.push({ path: 'tls_client_certificate_bound_access_tokens', message: 'must be true or false' });
    } else if (bound !== isMtls) {
      problems.push({
        path: 'tls_client_certificate_bound_access_tokens',
        message: `must be ${isMtls} when token_endpoint_auth_method is ${method}: exactly the access tokens of mutual-TLS clients (tls_client_auth, self_signed_tls_client_auth) are certificate-bound (RFC 8705 §3)`,
      });
    }
  }
  if (problems.length > 0) throw invalidClientMetadata(describeFieldErrors(problems));
  if (input.client_name === undefined) input.client_name = options.defaultName;

  return input;
};

/**
 * A registered client's metadata as registration answers it (RFC 7591
 * §3.2.1, RFC 7592 §3): the client's view, whether its tokens are
 * certificate-bound (RFC 8705 §3.4), its configuration endpoint, and the
 * credentials issued by this very call (a secret with
 * `client_secret_expires_at: 0`, never expiring; a registration access
 * token), never stored ones.
 */
export const registrationResponseBody = (
  client: ClientView,
  options: { registrationClientUri: string; clientSecret?: string; registrationAccessToken?: string },
): Record<string, unknown> => ({
  ...client,
  tls_client_certificate_bound_access_tokens: MTLS_AUTH_METHODS.includes(client.token_endpoint_auth_method),
  ...(options.clientSecret === undefined ? {} : { client_secret: options.clientSecret, client_secret_expires_at: 0 }),
  ...(options.registrationAccessToken === undefined ? {} : { registration_access_token: options.registrationAccessToken }),
  registration_client_uri: options.registrationClientUri,
});

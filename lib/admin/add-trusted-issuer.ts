import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError, invalidInput, isUniqueViolation } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { toTrustedIssuerView, TRUSTED_ISSUER_VIEW_COLUMNS, type TrustedIssuerView } from '@/lib/admin/trusted-issuer-view';
import { checkNotificationEndpoint } from '@/lib/ciba/notification-endpoint';
import { publicJwksProblem } from '@/lib/ciba/public-jwks';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';

/** Longest issuer identifier accepted. */
export const TRUSTED_ISSUER_MAX_LENGTH = 255;

const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/** A trusted issuer to add: its `iss` and exactly one of `jwks` (a public JWKS object) or `jwks_uri`. */
export const ZTrustedIssuerCreateSchema = z
  .strictObject({
    issuer: z
      .string({ error: 'is required: the iss its tokens carry' })
      .min(1, { error: 'is required: the iss its tokens carry' })
      .max(TRUSTED_ISSUER_MAX_LENGTH, { error: `must be at most ${TRUSTED_ISSUER_MAX_LENGTH} characters` })
      .refine((value) => !WHITESPACE_OR_CONTROL.test(value), { error: 'must not contain spaces or control characters' }),
    jwks: z
      .unknown()
      .superRefine((value, context) => {
        const problem = publicJwksProblem(value);
        if (problem !== null) context.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({ description: 'The issuer’s public keys: a JWKS object `{"keys":[…]}` (public RSA, EC or OKP keys only).' }),
    jwks_uri: z
      .string({ error: 'must be an https:// URL' })
      .optional()
      .meta({ description: 'Where the issuer publishes its keys (https; fetched and cached).' }),
  })
  .superRefine((value, context) => {
    if ((value.jwks === undefined) === (value.jwks_uri === undefined)) {
      context.addIssue({ code: 'custom', path: ['jwks'], message: 'exactly one of jwks or jwks_uri is required' });
    }
  })
  .meta({ title: 'TrustedIssuerCreate' });

export type AddTrustedIssuerOptions = {
  tenantSlug: string;
  /** Unvalidated (ZTrustedIssuerCreateSchema). */
  input: unknown;
};

/**
 * Adds an issuer the tenant trusts to sign JWTs about agents (actor_token at
 * bc-authorize, lib/ciba/verify-actor-token.ts) — the tenant's trusted-issuer
 * list, which login_hint_token will share. Its keys are inline public keys
 * (a private key member is refused, never stored) or a `jwks_uri` under the
 * notification endpoint's rules (https; no loopback, private or link-local
 * address unless ALLOW_HTTP_LOOPBACK_CALLBACKS admits http loopback), checked
 * before any transaction opens. Audited as `trusted_issuer_added`.
 *
 * @throws AdminError `invalid_input` (issuer, jwks, jwks_uri); `not_found` / `forbidden` for the tenant; `conflict` when the tenant already trusts this issuer.
 */
export const addTrustedIssuer = async (
  db: Db,
  principal: Principal,
  options: AddTrustedIssuerOptions,
): Promise<TrustedIssuerView> => {
  const input = parseInputOrThrow(ZTrustedIssuerCreateSchema, options.input);
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  if (input.jwks_uri !== undefined) {
    const checked = await checkNotificationEndpoint(input.jwks_uri, {
      allowHttpLoopback: getBaseEnv().allowHttpLoopbackCallbacks,
    });
    if (!checked.ok) throw invalidInput([{ path: 'jwks_uri', message: checked.problem }]);
  }
  const conflict = () => new AdminError('conflict', `Tenant "${tenant.slug}" already trusts issuer ${input.issuer}.`);
  const id = randomUUID();
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.trustedIssuer.create({
        data: {
          id,
          tenantId: tenant.id,
          issuer: input.issuer,
          jwks: input.jwks === undefined ? null : JSON.stringify(input.jwks),
          jwksUri: input.jwks_uri ?? null,
        },
        select: TRUSTED_ISSUER_VIEW_COLUMNS,
      });
      await recordAdminEvent(tx, {
        principal,
        type: 'trusted_issuer_added',
        tenantId: tenant.id,
        change: {
          target: input.issuer,
          before: null,
          after: { issuer: input.issuer, keys: input.jwks_uri === undefined ? 'jwks' : `jwks_uri ${input.jwks_uri}` },
        },
      });

      return toTrustedIssuerView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }
};

import type { JSONWebKeySet } from 'jose';

/**
 * A tenant's trusted issuer as every admin door shows it (snake_case, as the
 * CLI's and the Management API's JSON): the issuer and where its public keys
 * come from — `jwks` inline or `jwks_uri`, the other null.
 */
export type TrustedIssuerView = {
  id: string;
  issuer: string;
  jwks: JSONWebKeySet | null;
  jwks_uri: string | null;
  created_at: string;
};

/** Prisma `select` of what a TrustedIssuerView needs. */
export const TRUSTED_ISSUER_VIEW_COLUMNS = { id: true, issuer: true, jwks: true, jwksUri: true, createdAt: true } as const;

export const toTrustedIssuerView = (row: {
  id: string;
  issuer: string;
  jwks: string | null;
  jwksUri: string | null;
  createdAt: Date;
}): TrustedIssuerView => ({
  id: row.id,
  issuer: row.issuer,
  jwks: row.jwks === null ? null : (JSON.parse(row.jwks) as JSONWebKeySet),
  jwks_uri: row.jwksUri,
  created_at: row.createdAt.toISOString(),
});

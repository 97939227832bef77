import { ACR_PASSKEY } from '@/lib/ciba/constants';

/**
 * How the user authenticated for a grant, as the tokens state it (OIDC Core
 * §2): `amr` from the approval (RFC 8176 values; none for the emailed link
 * alone), and `acr` the stronger level a passkey approval reached, else the
 * level selected at bc-authorize (CIBA §7.1 acr_values), if any.
 */
export const grantAuthentication = (request: {
  acr: string | null;
  amr: string | null;
}): { acr: string | null; amr: string[] | null } => {
  const amr = request.amr?.split(' ').filter(Boolean) ?? [];

  return amr.length > 0 ? { acr: ACR_PASSKEY, amr } : { acr: request.acr, amr: null };
};

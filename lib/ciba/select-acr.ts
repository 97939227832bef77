import { SUPPORTED_ACR_VALUES } from '@/lib/ciba/constants';

/**
 * The authentication context the request will be satisfied at: the first of
 * the client's `acr_values` (in its order of preference, CIBA §7.1) that we
 * support, or null — acr_values are voluntary, an unsatisfiable list does not
 * fail the request, it just yields no `acr` claim.
 */
export const selectAcr = (acrValues: string | undefined): string | null =>
  acrValues
    ?.split(' ')
    .filter(Boolean)
    .find((value) => (SUPPORTED_ACR_VALUES as readonly string[]).includes(value)) ?? null;

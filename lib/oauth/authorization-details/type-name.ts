/**
 * An authorization-details type name (RFC 9396 §2 `type`): 1–100 characters,
 * letters, digits and `._~:/@+-`, starting with a letter or digit — room for
 * plain names (`payment_initiation`) and URIs (`https://bank.example/payment`);
 * never a space, so a client's types are stored space-separated.
 */
export const AUTHORIZATION_TYPE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~:/@+-]{0,99}$/;

export const AUTHORIZATION_TYPE_NAME_HINT =
  'must be 1–100 letters, digits and ._~:/@+- starting with a letter or digit, e.g. "payment_initiation"';

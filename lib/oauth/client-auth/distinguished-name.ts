/**
 * Distinguished names for `tls_client_auth` (RFC 8705 §2.1.2: the registered
 * `tls_client_auth_subject_dn` is "the expected subject distinguished name of
 * the certificate, … represented as a string according to RFC 4514").
 *
 * Two textual forms are read into one structure: an RFC 4514 string (RDNs
 * separated by `,`, last RDN of the ASN.1 sequence first) and node's
 * `X509Certificate.subject` (one RDN per line in sequence order, AVAs of a
 * multi-valued RDN joined by ` + `, values escaped as RFC 2253 does). Two DNs
 * are the same when they have the same RDNs in the same order, each RDN the
 * same set of attributes; attribute types compare case-insensitively (and by
 * OID for the common names), values exactly after unescaping.
 */

/** One attribute of an RDN: the canonical type (upper-case short name, or dotted OID) and the unescaped value. */
export type AttributeValue = { type: string; value: string };

/** A DN as a sequence of RDNs in ASN.1 order (e.g. C first, CN last); each RDN one or more attributes. */
export type DistinguishedName = readonly (readonly AttributeValue[])[];

export class DistinguishedNameError extends Error {}

/** The OIDs of the attribute types named in certificates (RFC 4514 §3, RFC 4519, PKCS #9). */
const TYPE_BY_OID: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'TITLE',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
};

/** Other names for the same types (OpenSSL's long names and common aliases). */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  COMMONNAME: 'CN',
  SURNAME: 'SN',
  COUNTRYNAME: 'C',
  LOCALITYNAME: 'L',
  STATEORPROVINCENAME: 'ST',
  STREETADDRESS: 'STREET',
  ORGANIZATIONNAME: 'O',
  ORGANIZATIONALUNITNAME: 'OU',
  GIVENNAME: 'GN',
  USERID: 'UID',
  DOMAINCOMPONENT: 'DC',
  E: 'EMAILADDRESS',
};

const DESCRIPTOR = /^[A-Za-z][A-Za-z0-9-]*$/;
const NUMERIC_OID = /^(?:OID\.)?([0-9]+(?:\.[0-9]+)+)$/i;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

const canonicalType = (raw: string): string => {
  const type = raw.trim();
  const oid = NUMERIC_OID.exec(type)?.[1];
  if (oid !== undefined) return TYPE_BY_OID[oid] ?? oid;
  if (!DESCRIPTOR.test(type)) throw new DistinguishedNameError(`invalid attribute type "${type}"`);
  const upper = type.toUpperCase();

  return TYPE_ALIASES[upper] ?? upper;
};

const isSpace = (char: string): boolean => char === ' ';

/**
 * Reads a DN whose RDNs are separated by `isRdnSeparator`, in the order they
 * appear. Escapes (RFC 4514 §2.4): `\` and a special character, or `\` and
 * two hex digits (a UTF-8 byte). Unescaped spaces around types, values and
 * separators are not part of a value; an unescaped `"`, or a value in BER
 * hex (`#…`), is refused.
 */
const parseDn = (text: string, isRdnSeparator: (char: string) => boolean): (readonly AttributeValue[])[] => {
  if (text.trim() === '') return [];
  const rdns: AttributeValue[][] = [];
  let rdn: AttributeValue[] = [];
  let at = 0;
  for (;;) {
    const equals = text.indexOf('=', at);
    if (equals < 0) throw new DistinguishedNameError('an attribute has no "="');
    const type = canonicalType(text.slice(at, equals));
    at = equals + 1;
    while (at < text.length && isSpace(text[at])) at += 1;
    if (text[at] === '#') throw new DistinguishedNameError('hex-encoded (BER) values are not supported');
    const bytes: number[] = [];
    let significant = 0;
    let ended: string | undefined;
    while (at < text.length) {
      const char = text[at];
      if (char === '+' || isRdnSeparator(char)) {
        ended = char;
        at += 1;
        break;
      }
      if (char === '"') throw new DistinguishedNameError('unescaped " in a value');
      if (char === '\\') {
        const next = text.slice(at + 1, at + 3);
        if (HEX_PAIR.test(next)) {
          bytes.push(Number.parseInt(next, 16));
          at += 3;
        } else if (at + 1 < text.length) {
          bytes.push(...Buffer.from(text[at + 1], 'utf8'));
          at += 2;
        } else {
          throw new DistinguishedNameError('a value ends with a lone "\\"');
        }
        significant = bytes.length;
        continue;
      }
      bytes.push(...Buffer.from(char, 'utf8'));
      if (!isSpace(char)) significant = bytes.length;
      at += 1;
    }
    let value: string;
    try {
      value = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes.slice(0, significant)));
    } catch {
      throw new DistinguishedNameError('a value is not valid UTF-8');
    }
    rdn.push({ type, value });
    if (ended === '+') continue;
    rdns.push(rdn);
    rdn = [];
    if (ended === undefined) return rdns;
  }
};

/**
 * Parses an RFC 4514 string (e.g. `CN=desk.example.com,O=Example\, Inc.,C=SE`)
 * into ASN.1 order. `;` is accepted as a separator, as RFC 2253 parsers do.
 *
 * @throws DistinguishedNameError when the string is not a DN.
 */
export const parseRfc4514 = (dn: string): DistinguishedName => parseDn(dn, (char) => char === ',' || char === ';').reverse();

/**
 * Parses node's `X509Certificate.subject` (one RDN per line, ASN.1 order).
 *
 * @throws DistinguishedNameError when it cannot be read (never for a subject node produced).
 */
export const parseCertificateSubject = (subject: string): DistinguishedName => parseDn(subject, (char) => char === '\n');

const sameRdn = (a: readonly AttributeValue[], b: readonly AttributeValue[]): boolean =>
  a.length === b.length &&
  a.every((attribute) => b.some((other) => other.type === attribute.type && other.value === attribute.value)) &&
  b.every((attribute) => a.some((other) => other.type === attribute.type && other.value === attribute.value));

/** Why `dn` is not an RFC 4514 distinguished name with at least one RDN, or null when it is one. */
export const distinguishedNameProblem = (dn: string): string | null => {
  try {
    return parseRfc4514(dn).length === 0 ? 'it names no attribute' : null;
  } catch (error) {
    if (error instanceof DistinguishedNameError) return error.message;
    throw error;
  }
};

export const sameDistinguishedName = (a: DistinguishedName, b: DistinguishedName): boolean =>
  a.length === b.length && a.every((rdn, index) => sameRdn(rdn, b[index]));

/**
 * Whether a certificate's subject (node's form) is the registered RFC 4514
 * DN (RFC 8705 §2.1.2). False when either does not parse.
 */
export const subjectMatchesDn = (certificateSubject: string, registeredDn: string): boolean => {
  try {
    return sameDistinguishedName(parseCertificateSubject(certificateSubject), parseRfc4514(registeredDn));
  } catch (error) {
    if (error instanceof DistinguishedNameError) return false;
    throw error;
  }
};

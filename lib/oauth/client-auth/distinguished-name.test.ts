import { afterAll, describe, expect, it } from 'vitest';
import {
  DistinguishedNameError,
  parseCertificateSubject,
  parseRfc4514,
  subjectMatchesDn,
} from '@/lib/oauth/client-auth/distinguished-name';
import { createCertificateFactory } from '@/lib/testing/test-certificates';

const certs = createCertificateFactory();
afterAll(() => certs.cleanup());

describe('RFC 4514 distinguished names (RFC 8705 §2.1.2 tls_client_auth_subject_dn)', () => {
  it('reads RDNs in reverse (ASN.1) order, with escapes and multi-valued RDNs', () => {
    expect(parseRfc4514('CN=Jo\\, Smith+UID=42,O=Acme\\2C Inc.,C=SE')).toEqual([
      [{ type: 'C', value: 'SE' }],
      [{ type: 'O', value: 'Acme, Inc.' }],
      [
        { type: 'CN', value: 'Jo, Smith' },
        { type: 'UID', value: '42' },
      ],
    ]);
  });

  it('unescapes hex pairs as UTF-8, keeps escaped spaces, drops unescaped ones around separators', () => {
    expect(parseRfc4514('cn=Jos\\C3\\A9 , o = \\ x\\ ')).toEqual([
      [{ type: 'O', value: ' x ' }],
      [{ type: 'CN', value: 'José' }],
    ]);
  });

  it('maps OIDs and long names to the short type names', () => {
    expect(parseRfc4514('2.5.4.3=a,OID.2.5.4.10=b,organizationalUnitName=c')).toEqual([
      [{ type: 'OU', value: 'c' }],
      [{ type: 'O', value: 'b' }],
      [{ type: 'CN', value: 'a' }],
    ]);
  });

  it.each(['CN', 'CN=a,=b', 'CN=a\\', 'CN="quoted"', 'CN=#04024869', '1x=a', 'CN=\\ff'])('refuses %j', (dn) => {
    expect(() => parseRfc4514(dn)).toThrow(DistinguishedNameError);
  });

  it('reads node X509Certificate.subject lines, " + " between the values of one RDN', () => {
    expect(parseCertificateSubject('C=US\nO=a \\+ b\\, c\nCN=x + UID=y')).toEqual([
      [{ type: 'C', value: 'US' }],
      [{ type: 'O', value: 'a + b, c' }],
      [
        { type: 'CN', value: 'x' },
        { type: 'UID', value: 'y' },
      ],
    ]);
  });
});

describe('subjectMatchesDn against real certificates', () => {
  const tricky = certs.selfSigned('/C=SE/O=Acme\\, Inc. \\+ Co/OU=q"r\\\\s#/CN=Jos\u00e9 desk+UID=42');

  it('matches the RFC 4514 form of the subject, types case-insensitive, RDN values in any order', () => {
    const subject = tricky.x509.subject;
    expect(subjectMatchesDn(subject, 'CN=José desk+UID=42,OU=q\\"r\\\\s#,O=Acme\\, Inc. \\+ Co,C=SE')).toBe(true);
    expect(subjectMatchesDn(subject, 'uid=42+cn=Jos\\C3\\A9 desk,ou=q\\"r\\\\s#,o=Acme\\2C Inc. \\2B Co,c=SE')).toBe(true);
  });

  it('does not match a different order, a missing RDN, a value differing in case, or garbage', () => {
    const subject = tricky.x509.subject;
    expect(subjectMatchesDn(subject, 'C=SE,O=Acme\\, Inc. \\+ Co,OU=q\\"r\\\\s#,CN=José desk+UID=42')).toBe(false);
    expect(subjectMatchesDn(subject, 'CN=José desk+UID=42,O=Acme\\, Inc. \\+ Co,C=SE')).toBe(false);
    expect(subjectMatchesDn(subject, 'CN=josé desk+UID=42,OU=q\\"r\\\\s#,O=Acme\\, Inc. \\+ Co,C=SE')).toBe(false);
    expect(subjectMatchesDn(subject, 'CN=José desk,OU=q\\"r\\\\s#,O=Acme\\, Inc. \\+ Co,C=SE')).toBe(false);
    expect(subjectMatchesDn(subject, 'not a dn')).toBe(false);
  });

  it('matches a plain subject with spaces after the commas', () => {
    const plain = certs.selfSigned('/C=US/O=Example/CN=desk.example.com');
    expect(subjectMatchesDn(plain.x509.subject, 'CN=desk.example.com, O=Example, C=US')).toBe(true);
  });
});

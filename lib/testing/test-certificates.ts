import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its private key, as PEM text and as files (for TLS_* settings and HTTPS agents). */
export type TestCertificate = { cert: string; key: string; certFile: string; keyFile: string; x509: X509Certificate };

const CA_CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = copy
[p]
commonName = optional
`;

const openssl = (cwd: string, args: string[]): void => {
  execFileSync('/usr/bin/openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** OpenSSL's time format for -startdate/-enddate. */
const opensslTime = (date: Date): string => date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

/**
 * Certificates made with the openssl CLI in a temporary directory (mutual-TLS
 * tests, RFC 8705): CAs, certificates they sign (any subject, any validity),
 * self-signed ones. `subject` is in OpenSSL's `/C=SE/O=Example/CN=x` form
 * (`+` joins a multi-valued RDN).
 */
export const createCertificateFactory = () => {
  const dir = mkdtempSync(join(tmpdir(), 'backchannel-certs-'));
  let counter = 0;
  const read = (name: string): TestCertificate => {
    const certFile = join(dir, `${name}.pem`);
    const keyFile = join(dir, `${name}.key`);
    const cert = readFileSync(certFile, 'utf8');

    return { cert, key: readFileSync(keyFile, 'utf8'), certFile, keyFile, x509: new X509Certificate(cert) };
  };

  const selfSigned = (subject: string, options: { serverName?: string; ca?: boolean } = {}): TestCertificate => {
    const name = `cert${(counter += 1)}`;
    const extensions = [
      ...(options.serverName ? ['-addext', `subjectAltName=DNS:${options.serverName},IP:127.0.0.1`] : []),
      ...(options.ca ? ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'] : []),
    ];
    openssl(dir, [
      'req',
      '-x509',
      ...P256,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-utf8',
      '-multivalue-rdn',
      '-subj',
      subject,
      ...extensions,
    ]);

    return read(name);
  };

  /** A CA: a self-signed certificate that signs the ones `issue` makes. */
  const createCa = (subject: string) => {
    const ca = selfSigned(subject, { ca: true });
    const caDir = mkdtempSync(join(dir, 'ca-'));
    writeFileSync(join(caDir, 'ca.cnf'), CA_CONFIG);
    writeFileSync(join(caDir, 'index.txt'), '');
    writeFileSync(join(caDir, 'serial'), `${(Date.now() % 1_000_000).toString(16).padStart(6, '0')}\n`);

    return {
      ...ca,
      /** A certificate this CA signs; valid from `notBefore` (default an hour ago) to `notAfter` (default in a day). */
      issue: (issued: string, options: { notBefore?: Date; notAfter?: Date; serverName?: string } = {}): TestCertificate => {
        const name = `cert${(counter += 1)}`;
        const now = Date.now();
        const san = options.serverName ? ['-addext', `subjectAltName=DNS:${options.serverName},IP:127.0.0.1`] : [];
        openssl(dir, [
          'req',
          '-new',
          ...P256,
          '-keyout',
          `${name}.key`,
          '-out',
          `${name}.csr`,
          '-utf8',
          '-multivalue-rdn',
          '-subj',
          issued,
          ...san,
        ]);
        openssl(caDir, [
          'ca',
          '-config',
          'ca.cnf',
          '-batch',
          '-notext',
          '-preserveDN',
          '-utf8',
          '-multivalue-rdn',
          '-cert',
          ca.certFile,
          '-keyfile',
          ca.keyFile,
          '-in',
          join(dir, `${name}.csr`),
          '-out',
          join(dir, `${name}.pem`),
          '-startdate',
          opensslTime(options.notBefore ?? new Date(now - 3_600_000)),
          '-enddate',
          opensslTime(options.notAfter ?? new Date(now + 86_400_000)),
        ]);

        return read(name);
      },
    };
  };

  return { dir, selfSigned, createCa, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

/**
 * Certificates for a test broker, made with the JDK's keytool (no OpenSSL needed): a throwaway CA,
 * a broker key pair signed by it for localhost/127.0.0.1, the broker's PKCS#12 key and trust stores
 * and the CA as PEM for clients. Everything lives in `dir`, which the caller removes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BrokerCertificates {
  keystore: { file: string; password: string };
  truststore: { file: string; password: string };
  caPem: string;
  caFile: string;
}

const keytoolBin = (): string =>
  process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'keytool') : 'keytool';

export async function makeBrokerCertificates(
  dir: string,
  commonName = 'casino-test',
): Promise<BrokerCertificates> {
  const password = 'test-store-pass';
  const file = (name: string) => path.join(dir, name);
  const keytool = (...args: string[]) => run(keytoolBin(), args, { timeout: 60_000 });
  const store = (name: string) => ['-keystore', file(name), '-storetype', 'PKCS12', '-storepass', password];
  const newKey = (alias: string, dname: string, storeName: string, ...ext: string[]) =>
    keytool(
      '-genkeypair',
      '-alias',
      alias,
      '-keyalg',
      'EC',
      '-groupname',
      'secp256r1',
      '-dname',
      dname,
      '-validity',
      '2',
      ...ext,
      ...store(storeName),
    );

  await Promise.all([
    newKey('ca', `CN=${commonName} CA`, 'ca.p12', '-ext', 'bc:c'),
    newKey('broker', 'CN=localhost', 'broker.p12'),
  ]);
  await keytool('-exportcert', '-rfc', '-alias', 'ca', '-file', file('ca.pem'), ...store('ca.p12'));
  await keytool('-certreq', '-alias', 'broker', '-file', file('broker.csr'), ...store('broker.p12'));
  await keytool(
    '-gencert',
    '-rfc',
    '-alias',
    'ca',
    '-infile',
    file('broker.csr'),
    '-outfile',
    file('broker.pem'),
    '-validity',
    '2',
    '-ext',
    'SAN=dns:localhost,ip:127.0.0.1',
    '-ext',
    'EKU=serverAuth,clientAuth',
    ...store('ca.p12'),
  );
  // The signed chain replaces the self-signed certificate; the CA must be known to accept it.
  await keytool('-importcert', '-noprompt', '-alias', 'ca', '-file', file('ca.pem'), ...store('broker.p12'));
  await keytool('-importcert', '-alias', 'broker', '-file', file('broker.pem'), ...store('broker.p12'));
  await keytool('-importcert', '-noprompt', '-alias', 'ca', '-file', file('ca.pem'), ...store('trust.p12'));
  return {
    keystore: { file: file('broker.p12'), password },
    truststore: { file: file('trust.p12'), password },
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    caFile: file('ca.pem'),
  };
}

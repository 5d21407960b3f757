import { isIP } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmulatorError } from './emulator-error';
import { runProgram } from './run-program';
import { findProgram } from './system-programs';

/** A throwaway CA and the server certificate it signed, as files mariadbd and clients can read. */
export interface TestCertificates {
  readonly caFile: string;
  readonly caPem: string;
  readonly certificateFile: string;
  readonly keyFile: string;
}

/** Long enough for a foreground `npm run emulator` session; the CA dies with the emulator's directory anyway. */
const VALIDITY_DAYS = 30;

/**
 * Creates a CA and a server certificate for hostNames (DNS names or IP addresses) in directory, with the openssl
 * CLI and a configuration of our own (never the system openssl.cnf). P-256 keys: generated in milliseconds.
 */
export async function createTestCertificates(directory: string, hostNames: readonly string[]): Promise<TestCertificates> {
  const openssl = findProgram('openssl');
  const configFile = join(directory, 'openssl.cnf');
  const caFile = join(directory, 'ca.pem');
  const caKeyFile = join(directory, 'ca-key.pem');
  const certificateFile = join(directory, 'server.pem');
  const keyFile = join(directory, 'server-key.pem');
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];

  try {
    await writeFile(configFile, opensslConfig(hostNames), { mode: 0o600 });
    await runProgram(openssl, [
      'req', '-config', configFile, '-x509', ...newKey, '-keyout', caKeyFile, '-out', caFile,
      '-days', String(VALIDITY_DAYS), '-subj', '/CN=rds-iam-mysql emulator test CA', '-extensions', 'test_ca',
    ]);
    await runProgram(openssl, [
      'req', '-config', configFile, '-x509', '-CA', caFile, '-CAkey', caKeyFile, ...newKey, '-keyout', keyFile,
      '-out', certificateFile, '-days', String(VALIDITY_DAYS), '-subj', `/CN=${hostNames[0]}`, '-extensions', 'server',
    ]);
    return { caFile, caPem: await readFile(caFile, 'utf8'), certificateFile, keyFile };
  } catch (error) {
    throw new EmulatorError('EMULATOR_CERTIFICATES_FAILED', `openssl could not create the emulator's test CA in ${directory}`, {
      cause: error,
    });
  }
}

function opensslConfig(hostNames: readonly string[]): string {
  const subjectAltNames = hostNames.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(', ');
  return [
    '[req]',
    'distinguished_name = subject',
    'prompt = no',
    '[subject]',
    'CN = unused',
    '[test_ca]',
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    '[server]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${subjectAltNames}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    '',
  ].join('\n');
}

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli } from './run-built-cli';

function certificatesIn(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
}

describe('rds-iam ca-bundle', () => {
  it('writes the Amazon RDS and RDS Proxy certificate authorities to a file, without a download', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'rds-iam-ca-'));
    try {
      const run = await runBuiltCli(['ca-bundle', '--output', join(directory, 'rds-ca.pem')]);
      const certificates = certificatesIn(await readFile(join(directory, 'rds-ca.pem'), 'utf8'));

      expect(run).toMatchObject({ exitCode: 0, stdout: '' });
      expect(run.stderr).toBe(`wrote ${certificates.length} certificates to ${join(directory, 'rds-ca.pem')}\n`);
      expect(certificates.every((certificate) => certificate.ca)).toBe(true);
      expect(certificates.some((certificate) => certificate.subject.includes('Amazon RDS eu-west-1 Root CA RSA2048 G1'))).toBe(true);
      expect(certificates.some((certificate) => certificate.subject.includes('Amazon Root CA 1'))).toBe(true);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('prints the bundle to standard output without --output', async () => {
    const run = await runBuiltCli(['ca-bundle']);

    expect(run.exitCode).toBe(0);
    expect(certificatesIn(run.stdout).length).toBeGreaterThan(100);
  });
});

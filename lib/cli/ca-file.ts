import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliFailure } from './cli-context';

/**
 * The CA a command verifies the server with: the file given by `--ca`, or the Amazon RDS bundle. External clients
 * need a file, so the bundle is written once to the user's cache directory and reused.
 */

/** PEM text of `--ca`, or undefined for the RDS bundle (the library's default). */
export async function readCaFlag(caFile: string | undefined): Promise<string | undefined> {
  if (caFile === undefined) return undefined;
  try {
    return await readFile(caFile, 'utf8');
  } catch (cause) {
    throw new CliFailure('RDS_IAM_CLI_CA_UNREADABLE', `--ca ${caFile}: cannot read the file (${(cause as Error).message})`, { cause });
  }
}

/** A CA file path for an external client: `--ca` as given, or the RDS bundle in the cache directory. */
export async function caFileForClient(caFile: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (caFile !== undefined) return caFile;
  const { rdsCaBundlePem } = await import('../client/rds-ca-bundle');
  const directory = join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rds-iam');
  const path = join(directory, 'rds-ca-bundle.pem');
  const pem = rdsCaBundlePem();
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current !== pem) {
    await mkdir(directory, { recursive: true });
    await writeFile(path, pem, { mode: 0o644 });
  }
  return path;
}

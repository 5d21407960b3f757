import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EmulatorError } from './emulator-error';
import { emulatorCacheDirectory } from './package-paths';
import { runProgram } from './run-program';
import { STORAGE_OPTIONS, runAsCurrentUserOptions } from './server-options';
import { findProgram } from './system-programs';

/** Bump when the bootstrap changes in a way the cache key cannot see. */
const TEMPLATE_LAYOUT_VERSION = 1;

/** Bootstraps in progress in this process, by target directory: concurrent starts share one. */
const inProgress = new Map<string, Promise<string>>();

/**
 * A bootstrapped data directory (system tables only, no test database, root reachable only through the unix
 * socket by the OS user root), created once per mariadbd build and copied for every start: bootstrapping takes
 * seconds, a copy takes milliseconds. Creation is race-free across processes: each bootstraps into its own
 * directory and renames it into place; a loser of the race discards its copy.
 */
export async function templateDataDirectory(): Promise<string> {
  const mariadbd = findProgram('mariadbd');
  const template = join(emulatorCacheDirectory(), `datadir-${templateKey(mariadbd)}`);
  if (existsSync(template)) return template;
  let bootstrap = inProgress.get(template);
  if (bootstrap === undefined) {
    bootstrap = createTemplate(template).finally(() => inProgress.delete(template));
    inProgress.set(template, bootstrap);
  }
  return bootstrap;
}

/** Copies the template into a new directory (sparse: most of ibdata1 is zeros). */
export async function copyTemplateDataDirectory(template: string, destination: string): Promise<void> {
  try {
    await runProgram('cp', ['-R', '--sparse=always', template, destination]);
  } catch (error) {
    throw new EmulatorError('EMULATOR_DATA_DIRECTORY_FAILED', `cannot copy the template data directory to ${destination}`, {
      cause: error,
    });
  }
}

async function createTemplate(template: string): Promise<string> {
  const installDb = findProgram('mariadb-install-db');
  const cacheDirectory = dirname(template);
  const temporary = join(cacheDirectory, `.bootstrapping-${process.pid}-${randomBytes(4).toString('hex')}`);
  // Its own tmpdir: concurrent bootstraps in the shared /tmp trip over each other's temporary tables.
  const scratch = `${temporary}-tmp`;
  await mkdir(scratch, { recursive: true });
  try {
    await runProgram(installDb, [
      '--no-defaults',
      `--datadir=${temporary}`,
      `--tmpdir=${scratch}`,
      ...runAsCurrentUserOptions(),
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
      '--skip-name-resolve',
      ...STORAGE_OPTIONS,
    ]);
    await rename(temporary, template);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (existsSync(template)) return template; // Another process won the race to create it.
    throw new EmulatorError(
      'EMULATOR_DATA_DIRECTORY_FAILED',
      `mariadb-install-db could not create the emulator's template data directory in ${cacheDirectory}: ${String(error)}`,
      { cause: error },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return template;
}

/** Changes when mariadbd is upgraded or the bootstrap options change. */
function templateKey(mariadbd: string): string {
  const binary = statSync(mariadbd);
  return createHash('sha256')
    .update(JSON.stringify([TEMPLATE_LAYOUT_VERSION, mariadbd, binary.size, binary.mtimeMs, STORAGE_OPTIONS]))
    .digest('hex')
    .slice(0, 16);
}

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EmulatorError } from './emulator-error';
import { emulatorCacheDirectory } from './package-paths';
import { ProgramFailure, runProgram } from './run-program';
import type { ServerInstallation } from './server-installation';

/** Bootstraps in progress in this process, by target directory: concurrent starts share one. */
const inProgress = new Map<string, Promise<string>>();

/**
 * A bootstrapped data directory (system tables only, no test database, root reachable only through the unix
 * socket by the OS user root), created once per server build and copied for every start: bootstrapping takes
 * seconds, a copy takes milliseconds. Creation is race-free across processes: each bootstraps into its own
 * directory and renames it into place; a loser of the race discards its copy.
 */
export async function templateDataDirectory(installation: ServerInstallation): Promise<string> {
  const template = join(emulatorCacheDirectory(), `datadir-${installation.engine}-${installation.templateKey}`);
  if (existsSync(template)) return template;
  let bootstrap = inProgress.get(template);
  if (bootstrap === undefined) {
    bootstrap = createTemplate(installation, template).finally(() => inProgress.delete(template));
    inProgress.set(template, bootstrap);
  }
  return bootstrap;
}

/** Copies the template into a new directory (sparse: most of the InnoDB files are zeros). */
export async function copyTemplateDataDirectory(template: string, destination: string): Promise<void> {
  try {
    await runProgram('cp', ['-R', '--sparse=always', template, destination]);
  } catch (error) {
    throw new EmulatorError('EMULATOR_DATA_DIRECTORY_FAILED', `cannot copy the template data directory to ${destination}`, {
      cause: error,
    });
  }
}

async function createTemplate(installation: ServerInstallation, template: string): Promise<string> {
  const cacheDirectory = emulatorCacheDirectory();
  await mkdir(cacheDirectory, { recursive: true });
  const temporary = join(cacheDirectory, `.bootstrapping-${process.pid}-${randomBytes(4).toString('hex')}`);
  // Its own tmpdir: concurrent bootstraps in the shared /tmp trip over each other's temporary tables.
  const scratch = `${temporary}-tmp`;
  await mkdir(scratch, { recursive: true });
  try {
    await installation.bootstrap(temporary, scratch);
    await rename(temporary, template);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (existsSync(template)) return template; // Another process won the race to create it.
    const detail = error instanceof ProgramFailure ? error.stderr.trim().split('\n').slice(-15).join('\n') : String(error);
    throw new EmulatorError(
      'EMULATOR_DATA_DIRECTORY_FAILED',
      `${installation.engine} ${installation.version} could not create the emulator's template data directory in ${cacheDirectory}:\n${detail}`,
      { cause: error },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return template;
}

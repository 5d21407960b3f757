import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from './process-liveness';

const PREFIX = 'rds-iam-emulator-';
/** Holds the pid of the process that owns the directory. */
const OWNER_FILE = 'owner.pid';

/**
 * A new private directory for one emulator (data, certificates, log), marked with this process's pid.
 * Directories left behind by owners that were killed outright (SIGKILL skips every exit hook) are removed first.
 */
export async function createWorkDirectory(): Promise<string> {
  await removeOrphanedWorkDirectories();
  const directory = await mkdtemp(join(tmpdir(), PREFIX));
  await writeFile(join(directory, OWNER_FILE), `${process.pid}\n`);
  return directory;
}

async function removeOrphanedWorkDirectories(): Promise<void> {
  const names = (await readdir(tmpdir()).catch(() => [] as string[])).filter((name) => name.startsWith(PREFIX));
  await Promise.all(
    names.map(async (name) => {
      const directory = join(tmpdir(), name);
      // No owner file: not ours, or being created right now; leave it.
      const owner = Number((await readFile(join(directory, OWNER_FILE), 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner)) await rm(directory, { recursive: true, force: true });
    }),
  );
}

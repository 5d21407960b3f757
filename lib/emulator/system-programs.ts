import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EmulatorError } from './emulator-error';

/** The Debian packages the emulator needs, for the error message when a program is missing. */
const DEBIAN_PACKAGES = 'mariadb-server libmariadbd-dev libssl-dev gcc g++ openssl';

/** sbin directories are searched too: mariadbd lives in /usr/sbin, which a non-root PATH often lacks. */
const EXTRA_DIRECTORIES = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

const resolved = new Map<string, string>();

/**
 * The absolute path of a program (`mariadbd`, `gcc`, …), looked up once per process.
 * @throws EmulatorError `EMULATOR_MISSING_SYSTEM_PACKAGE` naming the packages to install.
 */
export function findProgram(name: string): string {
  const cached = resolved.get(name);
  if (cached !== undefined) return cached;
  const directories = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRECTORIES];
  for (const directory of directories) {
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      resolved.set(name, candidate);
      return candidate;
    } catch {
      // Not in this directory; try the next one.
    }
  }
  throw new EmulatorError(
    'EMULATOR_MISSING_SYSTEM_PACKAGE',
    `the emulator needs '${name}', which is not installed (searched ${directories.join(delimiter)}). ` +
      `Install the Debian packages: apt-get install -y ${DEBIAN_PACKAGES} (scripts/ensure-system-packages.sh does it).`,
  );
}

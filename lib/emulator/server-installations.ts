import type { EmulatorEngine } from './emulator-options';
import { mariadbInstallation } from './mariadb-installation';
import { mysqlInstallation } from './mysql-installation';
import type { ServerInstallation } from './server-installation';

const FINDERS: Readonly<Record<EmulatorEngine, () => Promise<ServerInstallation>>> = {
  mariadb: mariadbInstallation,
  mysql: mysqlInstallation,
};

/** Found once per process and engine: every emulator start after the first reuses it. */
const found = new Map<EmulatorEngine, Promise<ServerInstallation>>();

/**
 * The server of an engine, ready to run (Oracle MySQL is downloaded into the user's cache on first use).
 * A failed look-up is not remembered, so a retry after fixing the cause works in the same process.
 */
export function serverInstallation(engine: EmulatorEngine): Promise<ServerInstallation> {
  let installation = found.get(engine);
  if (installation === undefined) {
    installation = FINDERS[engine]();
    found.set(engine, installation);
    installation.catch(() => found.delete(engine));
  }
  return installation;
}

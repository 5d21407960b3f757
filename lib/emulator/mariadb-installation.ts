import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { runProgram } from './run-program';
import { runAsCurrentUserOptions } from './server-options';
import type { ServerInstallation } from './server-installation';
import { findProgram } from './system-programs';

/** Debian's libmariadbd-dev puts the *server* plugin API here (libmariadb-dev's mysql/plugin_auth.h is the client one). */
const SERVER_INCLUDE_DIRECTORY = '/usr/include/mariadb/server';

const STORAGE_OPTIONS: readonly string[] = ['--innodb-log-file-size=4M', '--innodb-buffer-pool-size=16M'];

/** Bump when the bootstrap changes in a way the cache key cannot see. */
const TEMPLATE_LAYOUT_VERSION = 1;

/** Debian's MariaDB (`mariadb-server`, `libmariadbd-dev`): RDS for MariaDB. */
export async function mariadbInstallation(): Promise<ServerInstallation> {
  const mariadbd = findProgram('mariadbd');
  const { stdout } = await runProgram(mariadbd, ['--version']);
  const version = /\bVer\s+(\S+)/.exec(stdout)?.[1] ?? stdout.trim();
  const binary = statSync(mariadbd);
  return {
    engine: 'mariadb',
    version,
    server: { program: mariadbd, args: [] },
    locationOptions: [],
    storageOptions: STORAGE_OPTIONS,
    runOptions: ['--collation-server=utf8mb4_general_ci', '--innodb-temp-data-file-path=ibtmp1:1M:autoextend'],
    templateKey: createHash('sha256')
      .update(JSON.stringify([TEMPLATE_LAYOUT_VERSION, mariadbd, binary.size, binary.mtimeMs, STORAGE_OPTIONS]))
      .digest('hex')
      .slice(0, 16),
    bootstrap: async (dataDirectory, scratchDirectory) => {
      await runProgram(findProgram('mariadb-install-db'), [
        '--no-defaults',
        `--datadir=${dataDirectory}`,
        `--tmpdir=${scratchDirectory}`,
        ...runAsCurrentUserOptions(),
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
        '--skip-name-resolve',
        ...STORAGE_OPTIONS,
      ]);
    },
    plugin: {
      shimSource: 'mariadb/aws_authentication_plugin.c',
      compiler: 'gcc',
      compilerFlags: ['-DMYSQL_DYNAMIC_PLUGIN', `-I${SERVER_INCLUDE_DIRECTORY}`],
      headerFiles: ['mysql/plugin.h', 'mysql/plugin_auth.h'].map((header) => `${SERVER_INCLUDE_DIRECTORY}/${header}`),
      headerPackageHint: 'apt-get install -y libmariadbd-dev (scripts/ensure-system-packages.sh does it)',
      cacheFolder: 'plugin',
    },
  };
}

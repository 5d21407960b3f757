import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmulatorError } from './emulator-error';
import { packageRoot } from './package-paths';
import { ProgramFailure, runProgram } from './run-program';
import { runAsCurrentUserOptions } from './server-options';
import type { ServerInstallation } from './server-installation';

/** The script that downloads and unpacks Oracle MySQL from Debian sid into the user's cache (see its header). */
export const ENSURE_MYSQL_SERVER_SCRIPT = join('scripts', 'ensure-mysql-server.sh');

const STORAGE_OPTIONS: readonly string[] = ['--innodb-redo-log-capacity=32M', '--innodb-buffer-pool-size=16M'];

/** Bump when the bootstrap changes in a way the cache key cannot see. */
const TEMPLATE_LAYOUT_VERSION = 1;

/**
 * Oracle MySQL as scripts/ensure-mysql-server.sh unpacks it (downloading it on first use): RDS for MySQL and
 * Aurora MySQL. It is built against a newer C library than the machine's, so mysqld runs through the dynamic loader
 * unpacked with it, with the unpacked libraries first.
 * @throws EmulatorError `EMULATOR_MISSING_SYSTEM_PACKAGE` with the script's own explanation and retry command.
 */
export async function mysqlInstallation(): Promise<ServerInstallation> {
  const folder = await ensureMysqlServer();
  const tree = join(folder, 'server');
  const headers = join(folder, 'plugin-headers');
  const debianVersion = (await readFile(join(folder, 'VERSION'), 'utf8')).trim();
  const version = debianVersion.replace(/-[^-]*$/, '');
  const share = join(tree, 'usr', 'share', 'mysql');
  const server = {
    program: join(tree, 'usr', 'lib64', 'ld-linux-x86-64.so.2'),
    args: ['--library-path', `${join(tree, 'usr', 'lib', 'x86_64-linux-gnu')}:${join(tree, 'usr', 'lib')}`, join(tree, 'usr', 'sbin', 'mysqld')],
  };
  const locationOptions = [`--basedir=${join(tree, 'usr')}`, `--lc-messages-dir=${share}`, `--character-sets-dir=${join(share, 'charsets')}`];
  return {
    engine: 'mysql',
    version,
    server,
    locationOptions,
    storageOptions: STORAGE_OPTIONS,
    runOptions: [
      '--collation-server=utf8mb4_0900_ai_ci',
      '--innodb-temp-data-file-path=ibtmp1:12M:autoextend', // MySQL's smallest
      // No X Protocol listener (it would take port 33060 on every address) and no binary log: only what RDS's clients use.
      '--mysqlx=OFF',
      '--disable-log-bin',
    ],
    templateKey: createHash('sha256')
      .update(JSON.stringify([TEMPLATE_LAYOUT_VERSION, folder, debianVersion, STORAGE_OPTIONS]))
      .digest('hex')
      .slice(0, 16),
    bootstrap: async (dataDirectory, scratchDirectory) => {
      await runProgram(server.program, [
        ...server.args,
        '--no-defaults',
        ...runAsCurrentUserOptions(),
        // root@localhost without a password, reachable only through the unix socket of a server nobody runs.
        '--initialize-insecure',
        `--datadir=${dataDirectory}`,
        `--tmpdir=${scratchDirectory}`,
        ...locationOptions,
        '--performance-schema=OFF',
        ...STORAGE_OPTIONS,
      ]);
    },
    plugin: {
      shimSource: 'mysql/aws_authentication_plugin.cc',
      compiler: 'g++',
      compilerFlags: [
        '-std=c++20',
        '-DMYSQL_DYNAMIC_PLUGIN',
        `-I${join(headers, 'include')}`,
        `-I${join(headers, 'builddir', 'include')}`,
        `-I${headers}`,
      ],
      headerFiles: ['mysql/plugin.h', 'mysql/plugin_auth.h'].map((header) => join(headers, 'include', header)),
      headerPackageHint: `run ${ENSURE_MYSQL_SERVER_SCRIPT} --refresh`,
      cacheFolder: `plugin-mysql-${debianVersion}`,
      serverPluginDirectory: join(tree, 'usr', 'lib', 'mysql', 'plugin'),
    },
  };
}

/** Runs the script (a no-op taking milliseconds once cached) and returns the server folder it printed. */
async function ensureMysqlServer(): Promise<string> {
  const script = join(packageRoot(), ENSURE_MYSQL_SERVER_SCRIPT);
  try {
    const { stdout } = await runProgram('bash', [script]);
    const folder = stdout.trim().split('\n').pop() ?? '';
    if (folder === '') throw new Error(`${script} printed no folder`);
    return folder;
  } catch (error) {
    const explanation = error instanceof ProgramFailure ? error.stderr.trim() : String(error);
    throw new EmulatorError(
      'EMULATOR_MISSING_SYSTEM_PACKAGE',
      `Oracle MySQL for the emulator is not available:\n${explanation}\nRetry with: bash ${script}`,
      { cause: error },
    );
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EmulatorError } from './emulator-error';
import { emulatorCacheDirectory, pluginSourceDirectory } from './package-paths';
import { ProgramFailure, runProgram } from './run-program';
import { findProgram } from './system-programs';

/** Debian's libmariadbd-dev puts the *server* plugin API here (libmariadb-dev's mysql/plugin_auth.h is the client one). */
const SERVER_INCLUDE_DIRECTORY = '/usr/include/mariadb/server';
const SERVER_PLUGIN_HEADERS = ['mysql/plugin.h', 'mysql/plugin_auth.h'];

/** Part of the cache key: changing a flag rebuilds the plugin. */
const COMPILER_FLAGS = ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-DMYSQL_DYNAMIC_PLUGIN', `-I${SERVER_INCLUDE_DIRECTORY}`];
const LINKER_FLAGS = ['-lcrypto'];

/** Where a built plugin is: mariadbd takes a directory (`--plugin-dir`) and a file name in it. */
export interface BuiltPlugin {
  readonly directory: string;
  readonly fileName: string;
}

/** Builds in progress in this process, by target file: concurrent starts share one. */
const inProgress = new Map<string, Promise<BuiltPlugin>>();

/**
 * Compiles AWSAuthenticationPlugin unless a build of the same sources, server headers and flags is cached.
 * Safe when several processes (Jest workers) build at once: each compiles to its own temporary file and renames
 * it into place, an atomic step, so a reader never sees half a library.
 */
export async function buildPlugin(): Promise<BuiltPlugin> {
  const sourceDirectory = pluginSourceDirectory();
  const sourceNames = (await readdir(sourceDirectory)).filter((name) => /\.[ch]$/.test(name)).sort();
  const directory = join(emulatorCacheDirectory(), 'plugin');
  const fileName = `auth_aws_iam-${await pluginCacheKey(sourceDirectory, sourceNames)}.so`;
  const target = join(directory, fileName);
  if (existsSync(target)) return { directory, fileName };
  let build = inProgress.get(target);
  if (build === undefined) {
    build = compile(sourceDirectory, sourceNames, directory, fileName).finally(() => inProgress.delete(target));
    inProgress.set(target, build);
  }
  return build;
}

async function compile(sourceDirectory: string, sourceNames: readonly string[], directory: string, fileName: string): Promise<BuiltPlugin> {
  const target = join(directory, fileName);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.building-${process.pid}-${randomBytes(4).toString('hex')}.so`);
  const sources = sourceNames.filter((name) => name.endsWith('.c')).map((name) => join(sourceDirectory, name));
  try {
    await runProgram(findProgram('gcc'), [...COMPILER_FLAGS, '-o', temporary, ...sources, ...LINKER_FLAGS]);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    const compilerOutput = error instanceof ProgramFailure ? error.stderr.trim() : String(error);
    throw new EmulatorError(
      'EMULATOR_PLUGIN_BUILD_FAILED',
      `cannot compile AWSAuthenticationPlugin from ${sourceDirectory}:\n${compilerOutput}\n` +
        'Fix: install libmariadbd-dev, libssl-dev and gcc (scripts/ensure-system-packages.sh), or fix the C sources.',
      { cause: error },
    );
  }
  return { directory, fileName };
}

async function pluginCacheKey(sourceDirectory: string, sourceNames: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify([COMPILER_FLAGS, LINKER_FLAGS]));
  for (const name of sourceNames) hash.update(`\0${name}\0`).update(await readFile(join(sourceDirectory, name)));
  for (const header of SERVER_PLUGIN_HEADERS) {
    const path = join(SERVER_INCLUDE_DIRECTORY, header);
    if (!existsSync(path)) {
      throw new EmulatorError(
        'EMULATOR_MISSING_SYSTEM_PACKAGE',
        `the MariaDB server plugin header ${path} is missing. Install it: apt-get install -y libmariadbd-dev ` +
          '(scripts/ensure-system-packages.sh does it).',
      );
    }
    hash.update(await readFile(path));
  }
  return hash.digest('hex').slice(0, 16);
}

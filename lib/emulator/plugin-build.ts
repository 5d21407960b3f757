import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EmulatorError } from './emulator-error';
import { emulatorCacheDirectory, pluginSourceDirectory } from './package-paths';
import { ProgramFailure, runProgram } from './run-program';
import type { PluginRecipe } from './server-installation';
import { findProgram } from './system-programs';

/** Flags for every translation unit (part of the cache key: changing one rebuilds the plugin). */
const COMMON_FLAGS = ['-fPIC', '-O2', '-Wall', '-Wextra'];
const LINKER_FLAGS = ['-lcrypto'];

/** Where a built plugin is: the server takes a directory (`--plugin-dir`) and a file name in it. */
export interface BuiltPlugin {
  readonly directory: string;
  readonly fileName: string;
}

/** Builds in progress in this process, by target file: concurrent starts share one. */
const inProgress = new Map<string, Promise<BuiltPlugin>>();

/**
 * Compiles AWSAuthenticationPlugin for one server unless a build of the same sources, server headers and flags is
 * cached: the shared C files (lib/emulator/plugin/*.c: SigV4, token and login checks) with gcc, then the server's
 * shim, linked into one library. Safe when several processes (Jest workers) build at once: each compiles to its own
 * temporary file and renames it into place, an atomic step, so a reader never sees half a library.
 */
export async function buildPlugin(recipe: PluginRecipe): Promise<BuiltPlugin> {
  const sourceDirectory = pluginSourceDirectory();
  const sharedSources = (await readdir(sourceDirectory)).filter((name) => /\.[ch]$/.test(name)).sort();
  const directory = join(emulatorCacheDirectory(), recipe.cacheFolder);
  const fileName = `auth_aws_iam-${await pluginCacheKey(recipe, sourceDirectory, sharedSources)}.so`;
  const target = join(directory, fileName);
  if (existsSync(target)) return { directory, fileName };
  let build = inProgress.get(target);
  if (build === undefined) {
    build = compile(recipe, sourceDirectory, sharedSources, directory, fileName).finally(() => inProgress.delete(target));
    inProgress.set(target, build);
  }
  return build;
}

async function compile(
  recipe: PluginRecipe,
  sourceDirectory: string,
  sharedSources: readonly string[],
  directory: string,
  fileName: string,
): Promise<BuiltPlugin> {
  await mkdir(directory, { recursive: true });
  const scratch = await mkdtemp(join(directory, `.building-${process.pid}-`));
  const temporary = join(directory, `.building-${process.pid}-${randomBytes(4).toString('hex')}.so`);
  try {
    const objects: string[] = [];
    for (const name of sharedSources.filter((source) => source.endsWith('.c'))) {
      const object = join(scratch, `${basename(name, '.c')}.o`);
      await runProgram(findProgram('gcc'), ['-c', ...COMMON_FLAGS, '-o', object, join(sourceDirectory, name)]);
      objects.push(object);
    }
    await runProgram(findProgram(recipe.compiler), [
      '-shared',
      ...COMMON_FLAGS,
      ...recipe.compilerFlags,
      '-o',
      temporary,
      join(sourceDirectory, recipe.shimSource),
      ...objects,
      ...LINKER_FLAGS,
    ]);
    await linkServerPlugins(recipe, directory);
    await rename(temporary, join(directory, fileName));
  } catch (error) {
    await rm(temporary, { force: true });
    const compilerOutput = error instanceof ProgramFailure ? error.stderr.trim() : String(error);
    throw new EmulatorError(
      'EMULATOR_PLUGIN_BUILD_FAILED',
      `cannot compile AWSAuthenticationPlugin (${recipe.shimSource}) from ${sourceDirectory}:\n${compilerOutput}\n` +
        `Fix: install libssl-dev, gcc and g++ (scripts/ensure-system-packages.sh) and the server headers (${recipe.headerPackageHint}), or fix the C sources.`,
      { cause: error },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { directory, fileName };
}

/** `--plugin-dir` names one folder: the server's own plugins and components are linked into ours. */
async function linkServerPlugins(recipe: PluginRecipe, directory: string): Promise<void> {
  if (recipe.serverPluginDirectory === undefined) return;
  for (const name of await readdir(recipe.serverPluginDirectory)) {
    const link = join(directory, name);
    if (!existsSync(link)) await symlink(join(recipe.serverPluginDirectory, name), link).catch(() => undefined);
  }
}

async function pluginCacheKey(recipe: PluginRecipe, sourceDirectory: string, sharedSources: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify([COMMON_FLAGS, LINKER_FLAGS, recipe.compiler, recipe.compilerFlags]));
  for (const name of [...sharedSources, recipe.shimSource]) {
    hash.update(`\0${name}\0`).update(await readFile(join(sourceDirectory, name)));
  }
  for (const header of recipe.headerFiles) {
    if (!existsSync(header)) {
      throw new EmulatorError(
        'EMULATOR_MISSING_SYSTEM_PACKAGE',
        `the server plugin header ${header} is missing. Install it: ${recipe.headerPackageHint}.`,
      );
    }
    hash.update(await readFile(header));
  }
  return hash.digest('hex').slice(0, 16);
}

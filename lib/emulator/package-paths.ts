import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'rds-iam-mysql';

let root: string | undefined;

/**
 * The package root (the directory of this package's package.json), found from this file's location so the
 * launcher works the same from `lib/` (tsx, ts-jest) and from `dist/lib/` (built).
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  for (let directory = __dirname; ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) {
      root = directory;
      return directory;
    }
    if (dirname(directory) === directory) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${__dirname}`);
  }
}

/** The C sources of AWSAuthenticationPlugin (not copied to dist/: they are compiled from here). */
export function pluginSourceDirectory(): string {
  return join(packageRoot(), 'lib', 'emulator', 'plugin');
}

/** Environment variable that moves the cache, e.g. when the package directory is read-only. */
export const CACHE_DIRECTORY_VARIABLE = 'RDS_IAM_EMULATOR_CACHE_DIR';

/**
 * Built plugins and the template data directory, shared by every emulator on this checkout (gitignored).
 * @default `<package root>/.cache/emulator`, or $RDS_IAM_EMULATOR_CACHE_DIR
 */
export function emulatorCacheDirectory(): string {
  return process.env[CACHE_DIRECTORY_VARIABLE] || join(packageRoot(), '.cache', 'emulator');
}

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../emulator/package-paths';

/**
 * The Lambda handlers ship prebuilt: `npm run build` bundles each `lambda/<name>/index.ts` with esbuild
 * (`scripts/bundle-lambdas.ts`) into `dist/lambda/<name>/index.js`, and the constructs deploy that folder as it is.
 * A consumer's synth needs no esbuild, Docker or TypeScript sources.
 *
 * Next to each bundle, `dist/lambda/<name>.manifest.json` lists every file the bundle was made from (the handler's
 * sources, the library code and the node_modules files esbuild read, the bundling script, esbuild's package.json) and
 * a fingerprint of their contents. In a checkout of this repository (the handler's sources are there), synth
 * recomputes the fingerprint: a bundle older than its sources is rebuilt when running from sources (tsx, ts-jest) and
 * refused otherwise, so a source change never deploys a stale bundle. An installed package has no sources: its
 * bundle is used as shipped.
 */

/** Folder of the bundles, relative to the package root. */
export const LAMBDA_BUNDLE_FOLDER = path.join('dist', 'lambda');

/** What `scripts/bundle-lambdas.ts` writes next to a bundle. */
export interface LambdaBundleManifest {
  /** {@link fingerprintLambdaInputs} of `inputs`. */
  readonly fingerprint: string;
  /** Package-root-relative paths, POSIX separators, sorted. */
  readonly inputs: readonly string[];
  /** The files of the bundle folder (`index.js`, and any module bundled apart beside it), sorted. */
  readonly outputs?: readonly string[];
}

export type LambdaBundleState =
  | { readonly state: 'fresh' | 'shipped' }
  | { readonly state: 'missing' | 'stale'; readonly reason: string };

/** A hash of the listed files' paths and contents; a missing file counts as changed. */
export function fingerprintLambdaInputs(root: string, inputs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const input of inputs) {
    const file = path.join(root, input);
    hash.update(`${input}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : '\0absent\0');
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function lambdaBundleDirectory(root: string, name: string): string {
  return path.join(root, LAMBDA_BUNDLE_FOLDER, name);
}

export function lambdaBundleManifestFile(root: string, name: string): string {
  return path.join(root, LAMBDA_BUNDLE_FOLDER, `${name}.manifest.json`);
}

/** Whether the bundle of `lambda/<name>` under `root` matches its sources. */
export function lambdaBundleState(root: string, name: string): LambdaBundleState {
  const directory = lambdaBundleDirectory(root, name);
  const manifestFile = lambdaBundleManifestFile(root, name);
  const manifest = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as LambdaBundleManifest) : undefined;
  // Every file the build wrote (a manifest from before `outputs` names index.js only): one missing is a broken bundle.
  const absent = (manifest?.outputs ?? ['index.js']).find((output) => !existsSync(path.join(directory, output)));
  if (absent !== undefined) return { state: 'missing', reason: `${path.relative(root, path.join(directory, absent))} does not exist` };
  const hasSources = existsSync(path.join(root, 'lambda', name, 'index.ts'));
  if (!hasSources) return { state: 'shipped' };
  if (manifest === undefined) return { state: 'stale', reason: `${path.relative(root, manifestFile)} does not exist` };
  if (fingerprintLambdaInputs(root, manifest.inputs) === manifest.fingerprint) return { state: 'fresh' };
  const changed = manifest.inputs.filter((input) => !existsSync(path.join(root, input)));
  return {
    state: 'stale',
    reason: changed.length > 0
      ? `${changed[0]} was removed since the bundle was built`
      : `one of its ${manifest.inputs.length} source files changed since the bundle was built`,
  };
}

export class LambdaBundleError extends Error {
  public readonly code = 'RDS_IAM_LAMBDA_BUNDLE_STALE';

  constructor(name: string, reason: string) {
    super(
      `the Lambda bundle of lambda/${name} cannot be deployed: ${reason}. ` +
      'Run `npm run build` (it bundles every handler into dist/lambda/), then synthesize again.',
    );
    this.name = 'LambdaBundleError';
  }
}

/** What `scripts/bundle-lambdas.ts` exports (typed here so the library's build does not compile the script). */
interface LambdaBundler {
  bundleLambda(root: string, name: string): void;
}

/**
 * The repository's bundler when this code runs from sources: under tsx or ts-jest, or inside the esbuild bundle of
 * the app that `app/run-app.cjs` (cdk.json's app) runs, which inlines the script because the path is literal. Code
 * built into `dist/` has no script next to it: undefined. Loaded only here, as it needs esbuild, a devDependency of
 * this repository and never of a consumer.
 */
function sourceBundler(): LambdaBundler | undefined {
  try {
    return require('../../scripts/bundle-lambdas') as LambdaBundler;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && !__filename.endsWith('.ts')) return undefined;
    throw error;
  }
}

/** Checked once per handler and process: sources do not change during a synth. */
const checked = new Map<string, string>();

/**
 * The folder to deploy for `lambda/<name>`, after the freshness check above. Running from sources (see
 * {@link sourceBundler}), a missing or stale bundle is rebuilt with the repository's esbuild; running from `dist/`, it
 * is an error.
 */
export function builtLambdaBundle(name: string): string {
  const known = checked.get(name);
  if (known !== undefined) return known;
  const root = packageRoot();
  const found = lambdaBundleState(root, name);
  if (found.state === 'missing' || found.state === 'stale') {
    const bundler = sourceBundler();
    if (bundler === undefined) throw new LambdaBundleError(name, found.reason);
    bundler.bundleLambda(root, name);
  }
  const directory = lambdaBundleDirectory(root, name);
  checked.set(name, directory);
  return directory;
}

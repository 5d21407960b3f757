/**
 * `npm run build` (after tsc): bundles each handler `lambda/<name>/index.ts` with esbuild into
 * `dist/lambda/<name>/index.js`, minified CommonJS for the Node.js 24 runtime with the AWS SDK v3 clients left to it, and
 * writes `dist/lambda/<name>.manifest.json`: every file the bundle was made from and their fingerprint, which synth
 * checks (lib/constructs/lambda-bundle.ts). Also loaded by that check to rebuild a stale bundle when synth runs from
 * sources.
 *
 *   npx tsx scripts/bundle-lambdas.ts [name…]      default: every folder under lambda/
 */
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync, type BuildOptions } from 'esbuild';
import {
  LambdaBundleManifest,
  fingerprintLambdaInputs,
  lambdaBundleDirectory,
  lambdaBundleManifestFile,
} from '../lib/constructs/lambda-bundle';

/** Files every bundle depends on besides what esbuild reads: how it is bundled, and by which esbuild. */
const BUILD_INPUTS = ['scripts/bundle-lambdas.ts', 'node_modules/esbuild/package.json'];

/** Written to a temporary name, then renamed: a synth in another process never reads half a file. */
function writeAtomically(file: string, contents: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/**
 * Modules of a handler (`lambda/<name>/<module>.ts`) that its code loads with `import()` on a path it rarely takes,
 * bundled into a file of their own beside `index.js` (`<module>.js`) so that init and the common path never parse
 * them. The provisioner's IAM admin token signer carries @aws-sdk/rds-signer and its credential providers (~0.4 MB).
 */
const SEPARATE_MODULES: Readonly<Record<string, readonly string[]>> = { provisioner: ['admin-token'] };

/** What the Lambda runtime provides (see below). */
const EXTERNAL_PACKAGES = ['@aws-sdk/client-*'];

/** esbuild's options for every handler file: minified CommonJS for the Node.js 24 runtime. */
function handlerBuildOptions(root: string, name: string): BuildOptions & { readonly metafile: true; readonly write: false } {
  return {
    absWorkingDir: root,
    bundle: true,
    minify: true,
    sourcemap: false,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    // The Node.js 24 Lambda runtime provides AWS SDK v3's clients. Other `@aws-sdk/*` packages are bundled:
    // no AWS document lists `@aws-sdk/rds-signer` (a library, not a client) among what the runtime includes, so the
    // provisioner's admin-token signer ships with the exact `@aws-sdk/core` and credential providers it was built
    // against (none of which is a `client-*` package).
    external: [...EXTERNAL_PACKAGES],
    metafile: true,
    write: false,
    logLevel: 'error',
    outdir: lambdaBundleDirectory(root, name),
  };
}

/** Bundles `lambda/<name>` (and the modules it keeps apart: {@link SEPARATE_MODULES} unless given) into its folder. */
export function bundleLambda(root: string, name: string, separate: readonly string[] = SEPARATE_MODULES[name] ?? []): void {
  const results = [
    // `import('./<module>')` of a separate module stays out, as a `require('./<module>')` (CommonJS resolution, which
    // finds `<module>.js` beside the bundle; an ESM `import()` would need the extension written in the source).
    buildSync({
      ...handlerBuildOptions(root, name),
      entryPoints: [path.join('lambda', name, 'index.ts')],
      external: [...EXTERNAL_PACKAGES, ...separate.map((module) => `./${module}`)],
      supported: { 'dynamic-import': false },
    }),
    ...separate.map((module) => buildSync({ ...handlerBuildOptions(root, name), entryPoints: [path.join('lambda', name, `${module}.ts`)] })),
  ];
  const buildInputs = BUILD_INPUTS.filter((input) => existsSync(path.join(root, input)));
  const inputs = [...new Set([...results.flatMap((result) => Object.keys(result.metafile.inputs)), ...buildInputs])].sort();
  const outputFiles = results.flatMap((result) => result.outputFiles);
  const outputs = outputFiles.map((output) => path.basename(output.path)).sort();
  const manifest: LambdaBundleManifest = { fingerprint: fingerprintLambdaInputs(root, inputs), inputs, outputs };
  mkdirSync(lambdaBundleDirectory(root, name), { recursive: true });
  for (const output of outputFiles) writeAtomically(output.path, output.contents);
  writeAtomically(lambdaBundleManifestFile(root, name), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const names = process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(path.join(root, 'lambda'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  for (const name of names) bundleLambda(root, name);
}

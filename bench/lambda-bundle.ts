/**
 * Bundle size and cold module load time of the provisioner Lambda, next to cdk-rds-sql's published handler.
 *
 *   npx tsx bench/lambda-bundle.ts [runs]
 *
 * Our handler is bundled the way the construct bundles it (lib/constructs/bundled-handler.ts: esbuild, minified,
 * CommonJS, node24 target, `@aws-sdk/*` left to the Lambda runtime). cdk-rds-sql ships a prebuilt `index.js` plus a
 * CA bundle `global-bundle.pem` as its Lambda asset; both are counted.
 *
 * Load time: a fresh `node` process per run requires the bundle and reports how long `require` took (median).
 * `@aws-sdk/*` is provided by the Lambda runtime and not part of either asset, so every `@aws-sdk/*` import is
 * answered by the same empty stub: the figure is the cost of the asset's own code.
 *
 * cdk-rds-sql loads its MySQL driver lazily (`await import('mysql2/promise')` on first use), so its require time
 * leaves out what ours includes. The last column adds that back: for cdk-rds-sql, the same process then requires
 * mysql2/promise bundled on its own the same way (a stand-in for the copy inside its asset), which is what its first
 * event against a MySQL database pays before it can connect.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';

const runs = Number(process.argv[2] ?? 15);
const root = path.join(__dirname, '..');
const workDir = mkdtempSync(path.join(tmpdir(), 'rds-iam-lambda-bundle-'));

function bundleOurHandler(): string {
  const outdir = path.join(workDir, 'ours');
  buildSync({
    entryPoints: [path.join(root, 'lambda', 'provisioner', 'index.ts')],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    minify: true,
    sourcemap: false,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  });
  return outdir;
}

/** mysql2/promise alone, bundled like our handler: what cdk-rds-sql initializes on its first MySQL event. */
function bundleMysqlDriver(): string {
  const entry = path.join(workDir, 'mysql2-entry.js');
  writeFileSync(entry, "module.exports = require('mysql2/promise');\n");
  const outfile = path.join(workDir, 'mysql2-driver', 'index.js');
  buildSync({
    entryPoints: [entry], outfile, bundle: true, minify: true, platform: 'node', target: 'node24', format: 'cjs',
    nodePaths: [path.join(root, 'node_modules')], logLevel: 'error',
  });
  return outfile;
}

function theirAssetDir(): string {
  return path.join(path.dirname(require.resolve('cdk-rds-sql/package.json')), 'lib', 'handler');
}

function assetSize(dir: string): { files: number; bytes: number; gzipBytes: number } {
  const files = readdirSync(dir).map((name) => path.join(dir, name)).filter((file) => statSync(file).isFile());
  return {
    files: files.length,
    bytes: files.reduce((sum, file) => sum + statSync(file).size, 0),
    gzipBytes: files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0),
  };
}

/** A preload script that answers every `@aws-sdk/*` import with an inert stub. */
function writeSdkStub(): string {
  const stub = path.join(workDir, 'sdk-stub.js');
  writeFileSync(
    stub,
    `const Module = require('module');
const resolve = Module._resolveFilename;
const stubPath = ${JSON.stringify(path.join(workDir, 'sdk-empty.js'))};
Module._resolveFilename = function (request, ...rest) {
  return request.startsWith('@aws-sdk/') ? stubPath : resolve.call(this, request, ...rest);
};`,
  );
  writeFileSync(
    path.join(workDir, 'sdk-empty.js'),
    'const inert = new Proxy(function () {}, { get: (_t, key) => (key === "__esModule" ? false : inert), construct: () => inert, apply: () => inert });\nmodule.exports = inert;\n',
  );
  return stub;
}

/** Milliseconds a fresh process takes to require the files, one after the other. */
function loadMilliseconds(files: readonly string[], preload: string): number {
  const requires = files.map((file) => `require(${JSON.stringify(file)});`).join(' ');
  const output = execFileSync(
    process.execPath,
    ['-r', preload, '-e', `const t = process.hrtime.bigint(); ${requires} process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`],
    { encoding: 'utf8' },
  );
  return Number(output);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function main(): void {
  const preload = writeSdkStub();
  const mysqlDriver = bundleMysqlDriver();
  const ourDir = bundleOurHandler();
  const theirDir = theirAssetDir();
  const candidates = [
    { name: 'rds-iam-mysql provisioner', dir: ourDir, load: [path.join(ourDir, 'index.js')], ready: [path.join(ourDir, 'index.js')] },
    {
      name: `cdk-rds-sql ${require('cdk-rds-sql/package.json').version} handler`,
      dir: theirDir,
      load: [path.join(theirDir, 'index.js')],
      ready: [path.join(theirDir, 'index.js'), mysqlDriver],
    },
  ];
  candidates.forEach((candidate) => loadMilliseconds(candidate.ready, preload)); // warm the file cache once
  // Each run is a fresh process (no module cache carries over); the candidates take turns, so a busy moment on the
  // machine weighs on both alike.
  const loadSamples: number[][] = candidates.map(() => []);
  const readySamples: number[][] = candidates.map(() => []);
  for (let run = 0; run < runs; run += 1) {
    candidates.forEach((candidate, index) => {
      loadSamples[index].push(loadMilliseconds(candidate.load, preload));
      readySamples[index].push(loadMilliseconds(candidate.ready, preload));
    });
  }
  const rows = candidates.map((candidate, index) => ({
    ...candidate,
    size: assetSize(candidate.dir),
    loadMs: median(loadSamples[index]),
    readyMs: median(readySamples[index]),
  }));
  const [ours, theirs] = rows;
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`Lambda asset size and cold require time (median of ${runs} fresh processes, node ${process.version}, @aws-sdk/* stubbed)\n`);
  console.log('| handler | files | asset size | gzipped | require time | require + MySQL driver loaded |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.name} | ${row.size.files} | ${kb(row.size.bytes)} | ${kb(row.size.gzipBytes)} | ${row.loadMs.toFixed(1)} ms | ${row.readyMs.toFixed(1)} ms |`);
  }
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  console.log(
    `| ratio (ours / theirs) | | ${ratio(ours.size.bytes, theirs.size.bytes)} | ${ratio(ours.size.gzipBytes, theirs.size.gzipBytes)} | ${ratio(ours.loadMs, theirs.loadMs)} | ${ratio(ours.readyMs, theirs.readyMs)} |`,
  );
}

try {
  main();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

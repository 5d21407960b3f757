/**
 * Bundle size and cold start cost of the provisioner Lambda, next to cdk-rds-sql's published handler.
 *
 *   npx tsx bench/lambda-bundle.ts [runs]
 *
 * Our handler is the prebuilt bundle the constructs deploy (`dist/lambda/provisioner`, written by `npm run build`
 * with scripts/bundle-lambdas.ts: esbuild, minified, CommonJS, node24 target, `@aws-sdk/client-*` left to the Lambda runtime; the IAM admin token signer in a file of its own, `admin-token.js`, counted in the asset but loaded by neither column). cdk-rds-sql ships a prebuilt `index.js` plus a
 * CA bundle `global-bundle.pem` as its Lambda asset; both are counted.
 *
 * Each run is a fresh `node` process; the figures are medians. `@aws-sdk/*` is provided by the Lambda runtime and not
 * part of either asset, so every `@aws-sdk/*` import is answered by the same inert stub: the figures are the cost of
 * the asset's own code.
 *
 * - init: how long `require` of the bundle takes, what the Lambda init phase pays.
 * - init + first-event loading: what a cold start pays in all before the first event can do any I/O. Both handlers
 *   defer work to their first event. Ours loads the whole provisioner there (one `import()`): the process requires
 *   the bundle, then calls the handler with an empty event, which loads the provisioner and is refused by the event
 *   parser before any I/O. cdk-rds-sql loads its MySQL driver there (`await import('mysql2/promise')`): the process
 *   requires its bundle, then mysql2/promise bundled on its own the same way (a stand-in for the copy inside its asset).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { builtLambdaBundle } from '../lib/constructs/lambda-bundle';
import { CDK_RDS_SQL, peerPackageDir } from './peer-packages';
import { median } from './statistics';

const runs = Number(process.argv[2] ?? 15);
const root = path.join(__dirname, '..');
const workDir = mkdtempSync(path.join(tmpdir(), 'rds-iam-lambda-bundle-'));

/** The bundle the constructs deploy, as `npm run build` wrote it (rebuilt here if its sources changed). */
function ourHandlerDir(): string {
  return builtLambdaBundle('provisioner');
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
  return path.join(peerPackageDir(CDK_RDS_SQL), 'lib', 'handler');
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

/** Milliseconds a fresh process takes to run `steps` (statements run in an async function, after the SDK stub loads). */
function coldMilliseconds(steps: string, preload: string): number {
  const output = execFileSync(
    process.execPath,
    ['-r', preload, '-e', `(async () => { const t = process.hrtime.bigint(); ${steps} process.stdout.write('\\n' + Number(process.hrtime.bigint() - t) / 1e6); })().catch((error) => { console.error(error); process.exit(1); });`],
    { encoding: 'utf8' },
  );
  // The handler logs its refusal of the empty event as a JSON line; the figure is the last line.
  return Number(output.split('\n').pop());
}

const requireOf = (file: string): string => `require(${JSON.stringify(file)});`;

/** Calls our handler with an empty event: it loads the deferred provisioner, whose event parser then refuses it. */
const firstEventOf = (file: string): string =>
  `await require(${JSON.stringify(file)}).handler({}).then(
    () => { throw new Error('the handler accepted an empty event'); },
    (error) => { if (error.code !== 'RDS_IAM_INVALID_PROVISIONER_EVENT') throw error; });`;


function main(): void {
  const preload = writeSdkStub();
  const mysqlDriver = bundleMysqlDriver();
  const ourDir = ourHandlerDir();
  const theirDir = theirAssetDir();
  const candidates = [
    {
      name: 'rds-iam-mysql provisioner',
      dir: ourDir,
      init: requireOf(path.join(ourDir, 'index.js')),
      ready: firstEventOf(path.join(ourDir, 'index.js')),
    },
    {
      name: `cdk-rds-sql ${CDK_RDS_SQL.version} handler`,
      dir: theirDir,
      init: requireOf(path.join(theirDir, 'index.js')),
      ready: requireOf(path.join(theirDir, 'index.js')) + requireOf(mysqlDriver),
    },
  ];
  candidates.forEach((candidate) => coldMilliseconds(candidate.ready, preload)); // warm the file cache once
  // Each run is a fresh process (no module cache carries over); the candidates take turns, so a busy moment on the
  // machine weighs on both alike.
  const initSamples: number[][] = candidates.map(() => []);
  const readySamples: number[][] = candidates.map(() => []);
  for (let run = 0; run < runs; run += 1) {
    candidates.forEach((candidate, index) => {
      initSamples[index].push(coldMilliseconds(candidate.init, preload));
      readySamples[index].push(coldMilliseconds(candidate.ready, preload));
    });
  }
  const rows = candidates.map((candidate, index) => ({
    ...candidate,
    size: assetSize(candidate.dir),
    initMs: median(initSamples[index]),
    readyMs: median(readySamples[index]),
  }));
  const [ours, theirs] = rows;
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`Lambda asset size and cold start cost (median of ${runs} fresh processes, node ${process.version}, @aws-sdk/* stubbed)\n`);
  console.log('| handler | files | asset size | gzipped | init (require) | init + first-event loading |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.name} | ${row.size.files} | ${kb(row.size.bytes)} | ${kb(row.size.gzipBytes)} | ${row.initMs.toFixed(1)} ms | ${row.readyMs.toFixed(1)} ms |`);
  }
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  console.log(
    `| ratio (ours / theirs) | | ${ratio(ours.size.bytes, theirs.size.bytes)} | ${ratio(ours.size.gzipBytes, theirs.size.gzipBytes)} | ${ratio(ours.initMs, theirs.initMs)} | ${ratio(ours.readyMs, theirs.readyMs)} |`,
  );
}

try {
  main();
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

#!/usr/bin/env node
/**
 * cdk.json's app: `node app/run-app.cjs [entry.ts]` (default app/app.ts). Bundles the entry with the library's sources
 * it imports into one CommonJS file with esbuild (packages stay in node_modules), then runs it with plain node.
 *
 * Why not `npx tsx app/app.ts`: npx, tsx's own process and its loader hooks cost about a second of every synth.
 * Bundling takes ~0.15 s and happens on every run, so the app never runs a build older than its sources.
 * The bundle goes to .cache/app/ (gitignored), written under a temporary name and renamed, so concurrent synths never
 * read half a file. Source maps are on: a stack trace names the .ts file and line.
 */
'use strict';
const { mkdirSync, renameSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { buildSync } = require('esbuild');

const root = path.join(__dirname, '..');
const entry = process.argv[2] ?? path.join('app', 'app.ts');
const outfile = path.join(root, '.cache', 'app', entry.replace(/\.ts$/, '.js'));

const { outputFiles } = buildSync({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: `node${process.versions.node.split('.')[0]}`,
  format: 'cjs',
  sourcemap: 'linked',
  write: false,
  logLevel: 'error',
});
mkdirSync(path.dirname(outfile), { recursive: true });
for (const output of outputFiles) {
  const temporary = `${output.path}.${process.pid}.tmp`;
  writeFileSync(temporary, output.contents);
  renameSync(temporary, output.path);
}
process.setSourceMapsEnabled(true);
require(outfile);

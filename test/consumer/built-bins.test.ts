import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../lib/emulator/package-paths';
import { markExecutable, packageBinFiles } from '../../scripts/mark-bins-executable';

/**
 * The bins `npm run build` writes run as commands by themselves. `npx rds-iam` runs them through a link that npm keeps
 * in its npx cache and makes executable only when it creates the link: on a runner that keeps that cache, a bin
 * rebuilt as 0644 was refused with "Permission denied".
 */
const root = packageRoot();

describe('the built bins (needs `npm run build`, which scripts/test.sh runs first)', () => {
  it('are executable by everyone who can read them and run without naming node', () => {
    // Prepare
    const bins = packageBinFiles(root);

    // Act
    const runs = bins.map((file) => ({ mode: statSync(file).mode & 0o777, run: spawnSync(file, ['--help'], { encoding: 'utf8', timeout: 30_000 }) }));

    // Assess
    expect(bins).toEqual([join(root, 'dist', 'bin', 'rds-iam.js')]);
    for (const { mode, run } of runs) {
      expect(mode & 0o111).toBe(0o111);
      expect(run.error).toBeUndefined();
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage: rds-iam /);
    }
  });
});

describe('markExecutable', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'mark-executable-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it.each([
    ['644', '755'],
    ['600', '700'],
    ['640', '750'],
    ['755', '755'],
  ])('gives a %s file the execute bits of its read bits (%s)', (before, after) => {
    // Prepare
    const file = join(directory, 'bin.js');
    writeFileSync(file, '#!/usr/bin/env node\n');
    chmodSync(file, parseInt(before, 8));

    // Act
    markExecutable(file);

    // Assess
    expect((statSync(file).mode & 0o777).toString(8)).toBe(after);
  });
});

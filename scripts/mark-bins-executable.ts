/**
 * `npm run build` (after tsc): marks every file package.json names under `bin` executable. tsc writes them 0644, and
 * `npx rds-iam` runs the project's own bin through a link npm keeps in its npx cache: npm sets the mode only when it
 * makes that link, so after a rebuild at the same path (a CI runner keeps its npm cache) the command was refused with
 * "Permission denied".
 *
 *   npx tsx scripts/mark-bins-executable.ts
 */
import { chmodSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The files a package.json `bin` field names, as absolute paths (a string names one bin called after the package). */
export function packageBinFiles(root: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  return bins.map((bin) => path.resolve(root, bin));
}

/** Adds the execute bits wherever the read bits are (0644 → 0755), as npm does when it links a bin. */
export function markExecutable(file: string): void {
  const mode = statSync(file).mode & 0o777;
  chmodSync(file, mode | ((mode & 0o444) >> 2));
}

if (require.main === module) {
  for (const file of packageBinFiles(path.join(__dirname, '..'))) markExecutable(file);
}

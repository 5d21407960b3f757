import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';
import { packageRoot } from '../../lib/emulator/package-paths';

/**
 * The library stands apart from this repository's app: what lib/ imports, and what its public entry loads. The app
 * (app/) imports the library like any consumer; the library never imports the app, the benches or the tests.
 */
const root = packageRoot();

function typeScriptFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every module a file names: static imports and re-exports, `import()` and `require()` (TypeScript's own scanner). */
function moduleSpecifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

describe('the library (lib/)', () => {
  it('imports nothing from the app, the benches or the tests', () => {
    // Prepare
    const files = typeScriptFilesUnder(join(root, 'lib'));
    const outside = ['app', 'bench', 'test'].map((folder) => join(root, folder) + sep);

    // Act
    const crossings = files.flatMap((file) =>
      moduleSpecifiers(file)
        .filter((specifier) => specifier.startsWith('.'))
        .filter((specifier) => outside.some((folder) => `${resolve(dirname(file), specifier)}${sep}`.startsWith(folder)))
        .map((specifier) => `${relative(root, file)} imports ${specifier}`),
    );

    // Assess
    expect(files.length).toBeGreaterThan(100);
    expect(crossings).toEqual([]);
  });

  it('is scanned for every kind of import, so the check above would see one', () => {
    const specifiers = moduleSpecifiers(join(root, 'lib', 'constructs', 'lambda-bundle.ts'));

    expect(specifiers).toEqual(expect.arrayContaining(['node:crypto', '../emulator/package-paths', '../../scripts/bundle-lambdas']));
  });
});

describe("the package's public entry (dist/lib/index.js, as `require('rds-iam-mysql')` loads it)", () => {
  it('loads no database driver, AWS SDK client or CLI code: the client and the planner load theirs on first use', () => {
    // Act: a fresh process, as a CDK app importing the package for its constructs.
    const loaded = spawnSync(
      process.execPath,
      ['-e', `const entry = require(${JSON.stringify(join(root, 'dist', 'lib', 'index.js'))});
        process.stdout.write(JSON.stringify({ exports: Object.keys(entry), modules: Object.keys(require.cache) }));`],
      { encoding: 'utf8' },
    );
    const { exports, modules } = JSON.parse(loaded.stdout) as { exports: string[]; modules: string[] };
    const packagesLoaded = [...new Set(modules.flatMap((module) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module)?.[1] ?? []))].sort();

    // Assess
    expect(loaded.status).toBe(0);
    expect(exports).toEqual(expect.arrayContaining(['IamAuthDatabase', 'DatabaseUserProvisioner', 'IamDatabaseUser', 'createPool', 'planUserChanges', 'runCli']));
    expect(packagesLoaded.filter((name) => /^(mysql2|@aws-sdk\/|commander)/.test(name))).toEqual([]);
    expect(modules.filter((module) => module.includes(`${sep}dist${sep}lib${sep}cli${sep}`)).map((module) => relative(root, module))).toEqual([
      join('dist', 'lib', 'cli', 'run-cli.js'),
    ]);
  });
});

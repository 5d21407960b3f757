import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LambdaBundleError, lambdaBundleDirectory, lambdaBundleState } from '../../lib/constructs/lambda-bundle';
import { bundleLambda } from '../../scripts/bundle-lambdas';

/** A package root with one handler, `lambda/greeter`, importing library code from `lib/`. */
function packageWithHandler(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'rds-iam-lambda-bundle-'));
  mkdirSync(path.join(root, 'lambda', 'greeter'), { recursive: true });
  mkdirSync(path.join(root, 'lib'), { recursive: true });
  writeFileSync(path.join(root, 'lib', 'greeting.ts'), "export const greeting = (name: string): string => `hello ${name}`;\n");
  writeFileSync(
    path.join(root, 'lambda', 'greeter', 'index.ts'),
    "import { greeting } from '../../lib/greeting';\nexport const handler = async (event: { name: string }) => greeting(event.name);\n",
  );
  return root;
}

describe('the freshness of a prebuilt Lambda bundle', () => {
  let root: string;

  beforeEach(() => {
    root = packageWithHandler();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is missing before the first build, fresh right after it', () => {
    expect(lambdaBundleState(root, 'greeter')).toEqual({ state: 'missing', reason: path.join('dist', 'lambda', 'greeter', 'index.js') + ' does not exist' });

    bundleLambda(root, 'greeter');

    expect(lambdaBundleState(root, 'greeter')).toEqual({ state: 'fresh' });
  });

  it('turns stale when library code the handler imports changes, and fresh again after a rebuild', () => {
    // Prepare
    bundleLambda(root, 'greeter');

    // Act
    writeFileSync(path.join(root, 'lib', 'greeting.ts'), "export const greeting = (name: string): string => `hi ${name}`;\n");

    // Assess
    expect(lambdaBundleState(root, 'greeter')).toEqual({ state: 'stale', reason: 'one of its 2 source files changed since the bundle was built' });
    bundleLambda(root, 'greeter');
    expect(lambdaBundleState(root, 'greeter')).toEqual({ state: 'fresh' });
  });

  it('keeps a lazily imported module in a file of its own, and is missing when that file is gone', async () => {
    // Prepare: the handler imports `./farewell` only when asked to.
    writeFileSync(path.join(root, 'lambda', 'greeter', 'farewell.ts'), 'export const farewell = (name: string): string => `bye ${name}`;\n');
    writeFileSync(
      path.join(root, 'lambda', 'greeter', 'index.ts'),
      "import { greeting } from '../../lib/greeting';\n" +
        "export const handler = async (event: { name: string; leaving?: boolean }) => (event.leaving ? (await import('./farewell')).farewell(event.name) : greeting(event.name));\n",
    );

    // Act
    bundleLambda(root, 'greeter', ['farewell']);
    const directory = lambdaBundleDirectory(root, 'greeter');
    const bundle = require(path.join(directory, 'index.js')) as { handler: (event: { name: string; leaving?: boolean }) => Promise<string> };

    // Assess
    expect(readdirSync(directory).sort()).toEqual(['farewell.js', 'index.js']);
    expect(readFileSync(path.join(directory, 'index.js'), 'utf8')).not.toContain('bye ');
    expect(await bundle.handler({ name: 'ada' })).toBe('hello ada');
    expect(await bundle.handler({ name: 'ada', leaving: true })).toBe('bye ada');
    expect(lambdaBundleState(root, 'greeter')).toEqual({ state: 'fresh' });
    unlinkSync(path.join(directory, 'farewell.js'));
    expect(lambdaBundleState(root, 'greeter')).toEqual({ state: 'missing', reason: path.join('dist', 'lambda', 'greeter', 'farewell.js') + ' does not exist' });
  });

  it('turns stale when a source file is removed, naming it', () => {
    bundleLambda(root, 'greeter');

    unlinkSync(path.join(root, 'lib', 'greeting.ts'));

    expect(lambdaBundleState(root, 'greeter')).toEqual({ state: 'stale', reason: 'lib/greeting.ts was removed since the bundle was built' });
  });

  it('is used as shipped where the handler sources are absent, as in an installed package', () => {
    bundleLambda(root, 'greeter');

    rmSync(path.join(root, 'lambda'), { recursive: true });
    writeFileSync(path.join(lambdaBundleDirectory(root, 'greeter'), 'index.js'), '/* shipped */');

    expect(lambdaBundleState(root, 'greeter')).toEqual({ state: 'shipped' });
  });

  it('is refused with the command that rebuilds it', () => {
    const error = new LambdaBundleError('provisioner', 'one of its 138 source files changed since the bundle was built');

    expect(error.message).toBe(
      'the Lambda bundle of lambda/provisioner cannot be deployed: one of its 138 source files changed since the bundle was built. ' +
      'Run `npm run build` (it bundles every handler into dist/lambda/), then synthesize again.',
    );
    expect(error.code).toBe('RDS_IAM_LAMBDA_BUNDLE_STALE');
  });
});

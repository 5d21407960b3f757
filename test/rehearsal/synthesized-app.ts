import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const repositoryRoot = path.join(__dirname, '..', '..');

/**
 * Synthesizes the real CDK app (bin/app.ts) into a temporary cloud assembly, as `npx cdk synth` runs it (output
 * directory in CDK_OUTDIR), with the Lambda bundles built: once per test file, in beforeAll. The getter returns the
 * directory; afterAll removes it.
 */
export function useSynthesizedApp(context: Readonly<Record<string, unknown>> = {}): () => string {
  let outdir: string | undefined;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'rds-iam-rehearsal-cdk-out-'));
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'bin/app.ts'], {
      cwd: repositoryRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        // The built-in CloudFormation linter costs seconds and is not what a rehearsal is about.
        CDK_VALIDATION: 'false',
        CDK_CONTEXT_JSON: JSON.stringify(context),
      },
    });
    if (result.status !== 0) throw new Error(`cdk synth failed (${String(result.status)}): ${result.stderr.slice(0, 2000)}`);
  }, 180_000);
  afterAll(() => {
    if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
  });
  return () => {
    if (outdir === undefined) throw new Error('the app is not synthesized yet: call the getter inside a test or hook');
    return outdir;
  };
}

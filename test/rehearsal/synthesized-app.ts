import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCdkApp } from '../support/run-cdk-app';

/**
 * Synthesizes the real CDK app (app/app.ts, or another app file such as test/support/scale-app.ts) into a temporary cloud assembly, as `npx cdk synth` runs it, with the
 * Lambda bundles built: once per test file, in beforeAll. The getter returns the directory; afterAll removes it.
 */
export function useSynthesizedApp(context: Readonly<Record<string, unknown>> = {}, appFile?: string): () => string {
  let outdir: string | undefined;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'rds-iam-rehearsal-cdk-out-'));
    const result = runCdkApp(outdir, context, appFile);
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

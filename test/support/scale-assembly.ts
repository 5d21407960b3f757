import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCdkApp } from './run-cdk-app';

/** The stack the scale app synthesizes (the dev environment's). */
export const SCALE_STACK = 'RdsIamMysql-dev';

/**
 * Synthesizes test/support/scale-app.ts (the dev stack with `users` long-named users) into a temporary cloud assembly,
 * once per test file per count: in beforeAll, removed in afterAll. Lambda bundles are built as by `npx cdk synth`.
 */
export function useScaleAssembly(users: number, context: Readonly<Record<string, unknown>> = {}): () => string {
  let outdir: string | undefined;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), `rds-iam-scale-${users}-`));
    const result = runCdkApp(outdir, { ...context, scaleUsers: users }, 'test/support/scale-app.ts');
    if (result.status !== 0) throw new Error(`cdk synth of ${users} users failed (${String(result.status)}): ${result.stderr.slice(0, 2000)}`);
  }, 300_000);
  afterAll(() => {
    if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
  });
  return () => {
    if (outdir === undefined) throw new Error('the scale app is not synthesized yet: call the getter inside a test or hook');
    return outdir;
  };
}

/** The synthesized template of the scale stack, as text. */
export function scaleTemplateBody(cdkOut: string): string {
  return readFileSync(path.join(cdkOut, `${SCALE_STACK}.template.json`), 'utf8');
}

/** The user set file asset of the assembly (`asset.<hash>.json`): the one `.json` asset. */
export function userSetAssetFile(cdkOut: string): string {
  const [file] = readdirSync(cdkOut).filter((name) => /^asset\.[0-9a-f]{64}\.json$/.test(name));
  if (file === undefined) throw new Error(`${cdkOut} has no user set file asset`);
  return path.join(cdkOut, file);
}

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { useSynthesizedApp } from '../rehearsal/synthesized-app';

/** The stack the scale app synthesizes (the dev environment's). */
export const SCALE_STACK = 'RdsIamMysql-dev';

/**
 * Synthesizes test/support/scale-app.ts (the dev stack with `users` long-named users) into a temporary cloud assembly,
 * once per test file per count, as `npx cdk synth` runs it; the getter returns the directory.
 */
export function useScaleAssembly(users: number): () => string {
  return useSynthesizedApp({ scaleUsers: users }, 'test/support/scale-app.ts');
}

/** The synthesized template of the scale stack, as text. */
export function scaleTemplateBody(cdkOut: string): string {
  return readFileSync(path.join(cdkOut, `${SCALE_STACK}.template.json`), 'utf8');
}

/** The user set file asset of the assembly (`asset.<hash>.json`): the one `.json` asset. */
export function userSetAssetFile(cdkOut: string): string {
  const [file] = readdirSync(cdkOut).filter((name) => /^asset\.[0-9a-f]{64}\.rds-iam-user-set$/.test(name));
  if (file === undefined) throw new Error(`${cdkOut} has no user set file asset`);
  return path.join(cdkOut, file);
}

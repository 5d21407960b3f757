import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CDK_JSON_CONTEXT } from './cdk-json-context';

const repositoryRoot = path.join(__dirname, '..', '..');

/**
 * Runs app/app.ts (or another app file of the repository) the way the CDK CLI does, through cdk.json's app launcher
 * (`node app/run-app.cjs <entry>`): cdk.json's context and the given one in CDK_CONTEXT_JSON, the cloud assembly written to `outdir`
 * (CDK_OUTDIR), without aws-cdk-lib's built-in CloudFormation linter (seconds per run, and no test is about it).
 */
export function runCdkApp(
  outdir: string,
  context: Readonly<Record<string, unknown>>,
  appFile = 'app/app.ts',
): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [path.join('app', 'run-app.cjs'), appFile], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_VALIDATION: 'false', CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON_CONTEXT, ...context }) },
  });
  return { status: result.status, stderr: result.stderr };
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { environmentStackName, listEnvironments } from '../../app/environments';
import { runCdkApp } from '../support/run-cdk-app';

/** Runs app/app.ts as the CDK CLI does and lists the stacks it synthesized. */
function runApp(context: Record<string, unknown>): { status: number | null; stderr: string; stackNames: string[] } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'rds-iam-app-'));
  try {
    // Skip esbuild: this test is about which stacks the app makes.
    const result = runCdkApp(outdir, { 'aws:cdk:bundling-stacks': [], ...context });
    const stackNames = result.status === 0
      ? Object.entries(JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).artifacts as Record<string, { type: string }>)
        .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
        .map(([name]) => name)
      : [];
    return { status: result.status, stderr: result.stderr, stackNames };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the CDK app (app/app.ts)', () => {
  it('synthesizes one stack per environment by default', () => {
    const { status, stackNames } = runApp({});
    expect(status).toBe(0);
    expect(stackNames.sort()).toEqual(listEnvironments().map(environmentStackName).sort());
  });

  it('synthesizes only the environment chosen with -c env=NAME', () => {
    const { status, stackNames } = runApp({ env: 'staging' });
    expect(status).toBe(0);
    expect(stackNames).toEqual(['RdsIamMysql-staging']);
  });

  it('synthesizes a comma-separated list of environments, with cdk-nag when asked', () => {
    const { status, stackNames } = runApp({ env: 'dev,staging', nag: 'true' });
    expect(status).toBe(0);
    expect(stackNames.sort()).toEqual(['RdsIamMysql-dev', 'RdsIamMysql-staging']);
  });

  it('refuses an unknown environment, listing the known ones', () => {
    const { status, stderr } = runApp({ env: 'qa' });
    expect(status).not.toBe(0);
    expect(stderr).toContain(`unknown environment "qa"; known environments: ${listEnvironments().map((e) => e.name).join(', ')}`);
  });
});

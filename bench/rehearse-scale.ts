/**
 * The rehearsal at scale: the dev stack with `users` users of the longest names (user 32 characters, database and
 * table 64) and three grants each, synthesized by the real app's stack (test/support/scale-app.ts, as `npx cdk synth`
 * runs it), then rehearsed on the emulator under Node.js 24: create, an unchanged update, a changing update and a
 * delete that leaves the database as found, each judged as CloudFormation reads it, with IAM logins for a sample.
 *
 *   npx tsx bench/rehearse-scale.ts [users=10000] [engine=mariadb|mysql] [loginSample=100]
 *
 * Prints the sizes that meet AWS limits (template, the user set object, the largest event) and, per step, the time,
 * the account statements and the Lambda's peak resident memory.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EmulatorEngine } from '../lib/emulator';
import { rehearseStack } from '../lib/rehearsal/rehearse-stack';
import { formatStep } from '../lib/rehearsal/rehearsal-report';
import { runCdkApp } from '../test/support/run-cdk-app';
import { createLongNamedTables } from '../test/support/long-named-users';
import { SCALE_STACK, userSetAssetFile } from '../test/support/scale-assembly';

const users = Number(process.argv[2] ?? 10_000);
const engine = (process.argv[3] ?? 'mariadb') as EmulatorEngine;
const loginSample = Number(process.argv[4] ?? 100);

const kib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(0)} KiB`);
const mib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);

async function main(): Promise<void> {
  const cdkOut = mkdtempSync(join(tmpdir(), 'rds-iam-bench-scale-'));
  try {
    const synthStart = performance.now();
    const synth = runCdkApp(cdkOut, { scaleUsers: users }, 'test/support/scale-app.ts');
    if (synth.status !== 0) throw new Error(`cdk synth failed: ${synth.stderr.slice(0, 2000)}`);
    const synthSeconds = (performance.now() - synthStart) / 1000;
    const templateBytes = statSync(join(cdkOut, `${SCALE_STACK}.template.json`)).size;
    const objectBytes = readFileSync(userSetAssetFile(cdkOut)).length;

    const report = await rehearseStack({
      assemblyDirectory: cdkOut,
      stackName: SCALE_STACK,
      emulator: { engine },
      scope: 'core',
      loginSample,
      prepareServer: createLongNamedTables,
      onStep: (step) => process.stderr.write(`${formatStep(step)}\n`),
    });

    console.log(`${users} users, 3 grants each, longest names; ${engine}; synth ${synthSeconds.toFixed(1)} s`);
    console.log(`template ${kib(templateBytes)} (CloudFormation: 1 MiB), user set object ${kib(objectBytes)}\n`);
    console.log('| step | time | statements | largest event | largest response | Lambda peak RSS | result |');
    console.log('|---|---:|---:|---:|---:|---:|---|');
    for (const step of report.steps) {
      const seconds = `${(step.durationMs / 1000).toFixed(1)} s`;
      console.log(`| ${step.name} | ${seconds} | ${step.statements} | ${kib(step.largestEventBytes)} | ${step.largestResponseBytes} bytes | ${mib(step.maxMemoryUsedBytes)} | ${step.ok ? 'ok' : `FAIL: ${step.problems[0]?.slice(0, 200) ?? ''}`} |`);
    }
    if (!report.ok) process.exitCode = 1;
  } finally {
    rmSync(cdkOut, { recursive: true, force: true });
  }
}

void main();

/**
 * Runs the built `rds-iam` (dist/bin/rds-iam.js, made by `npm run build` in scripts/test.sh) as a user would,
 * in a clean AWS environment: no config files, no profile, no instance metadata.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const BUILT_CLI = join(__dirname, '..', '..', 'dist', 'bin', 'rds-iam.js');

/** What a finished run printed and returned. */
export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An environment with no AWS configuration but what the test gives. */
export function cleanAwsEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('FAKETIME') && name !== 'LD_PRELOAD'),
  );
  return {
    ...kept,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** Runs a program to completion, with optional standard input. */
export function runProgram(
  program: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly input?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(program, [...args], { env: options.env ?? cleanAwsEnvironment(), timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ exitCode: error === null ? 0 : (error.code as number), stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs the built CLI with node: this test's own, or another binary (`node`). */
export function runBuiltCli(
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly input?: string; readonly node?: string } = {},
): Promise<CliRun> {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run npm run build first (npm test does)`);
  return runProgram(options.node ?? process.execPath, [BUILT_CLI, ...args], options);
}

import { execFile } from 'node:child_process';
import { RdsIamError } from '../errors/rds-iam-error';

/** What a finished program wrote. */
export interface ProgramOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** A program that exited non-zero or could not start; `stderr` is kept for the caller's error message. */
export class ProgramFailure extends RdsIamError {
  constructor(
    readonly program: string,
    readonly stderr: string,
    options: { readonly cause: unknown },
  ) {
    super('EMULATOR_PROGRAM_FAILED', `${program} failed: ${stderr.trim() || String(options.cause)}`, options);
    this.name = 'ProgramFailure';
  }
}

/** Runs a program without a shell (arguments are never parsed), collecting its output. */
export function runProgram(program: string, args: readonly string[], options: { readonly cwd?: string } = {}): Promise<ProgramOutput> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new ProgramFailure(program, stderr, { cause: error }));
      else resolve({ stdout, stderr });
    });
  });
}

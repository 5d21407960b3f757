import { Command, CommanderError } from 'commander';
import { ExitCode, processContext, type CliContext } from './cli-context';
import { registerCaBundleCommand } from './commands/ca-bundle';
import { registerConnectCommand } from './commands/connect';
import { registerDiffCommand } from './commands/diff';
import { registerLocalCommand } from './commands/local';
import { registerPlanCommand } from './commands/plan';
import { registerApplyCommand } from './commands/apply';
import { registerRehearseCommand } from './commands/rehearse';
import { registerTokenCommand } from './commands/token';
import type { CommandResult } from './run-command';

/**
 * The `rds-iam` command line. Command modules register their flags here and load their heavy dependencies (AWS
 * SDK clients, mysql2, the emulator) only when they run, so `rds-iam token` starts in a fraction of the AWS CLI's time.
 */
export function buildProgram(context: CliContext, onResult: (code: CommandResult) => void): Command {
  const program = new Command('rds-iam')
    .description(
      'IAM database authentication for Aurora MySQL, RDS for MySQL and RDS for MariaDB: tokens, the RDS CA bundle, TLS-verified logins, a local emulator, plan/apply of the declared database users, and a diff of database access for pull requests.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.stdout.write(text), writeErr: (text) => context.stderr.write(text) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 failure or bad usage, 2 `plan` found changes to make or `diff` found access changes. Tokens are never printed except by `token`, and never passed on a command line.',
    );
  registerTokenCommand(program, context, onResult);
  registerCaBundleCommand(program, context, onResult);
  registerConnectCommand(program, context, onResult);
  registerLocalCommand(program, context, onResult);
  registerPlanCommand(program, context, onResult);
  registerApplyCommand(program, context, onResult);
  registerDiffCommand(program, context, onResult);
  registerRehearseCommand(program, context, onResult);
  return program;
}

/** Runs the CLI on `argv` (as in `process.argv`) and returns the exit code. */
export async function runCli(argv: readonly string[], context: CliContext = processContext()): Promise<number> {
  let result: CommandResult = ExitCode.Success;
  const program = buildProgram(context, (code) => {
    result = code;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return result;
}

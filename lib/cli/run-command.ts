import { redactAuthTokens } from '../client/auth-token-format';
import { exitCodeFor, type CliContext } from './cli-context';

/** What every command action returns: the process exit code. */
export type CommandResult = number;

/** Options every command understands. */
export interface CommonFlags {
  /** Print the causes of a failure, not only its message. */
  readonly debug?: boolean;
}

/**
 * Runs a command body and turns any failure into one redacted line on stderr (plus its causes with `--debug`), so
 * no stack trace or token ever reaches a terminal or a CI log by accident.
 */
export async function runCommand(
  context: CliContext,
  commandName: string,
  flags: CommonFlags,
  body: () => Promise<CommandResult>,
): Promise<CommandResult> {
  try {
    return await body();
  } catch (error) {
    context.stderr.write(`rds-iam ${commandName}: ${describeFailure(error)}\n`);
    if (flags.debug) {
      for (let cause = causeOf(error); cause !== undefined; cause = causeOf(cause)) {
        context.stderr.write(`  caused by: ${describeFailure(cause)}\n`);
      }
      if (error instanceof Error && error.stack) context.stderr.write(`${redactAuthTokens(error.stack)}\n`);
    } else if (causeOf(error) !== undefined) {
      context.stderr.write('  (run again with --debug to see the underlying cause)\n');
    }
    return exitCodeFor(error);
  }
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return redactAuthTokens(String(error));
  const code = 'code' in error && typeof error.code === 'string' ? ` [${error.code}]` : '';
  return redactAuthTokens(`${error.message}${code}`);
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

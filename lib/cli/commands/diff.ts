import type { Command } from 'commander';
import { ExitCode, type CliContext } from '../cli-context';
import { runCommand, type CommandResult } from '../run-command';

interface DiffFlags {
  readonly stack?: readonly string[];
  readonly debug?: boolean;
}

/**
 * `rds-iam diff`: what a change does to database access, read from two synthesized outputs, as markdown for a pull
 * request. Reads templates as JSON only: aws-cdk-lib is never loaded.
 */
export function registerDiffCommand(program: Command, context: CliContext, onResult: (code: CommandResult) => void): void {
  program
    .command('diff')
    .summary('compare the database access of two synthesized outputs, as markdown (exit 2 if it changes)')
    .description(
      'Read two cloud assemblies (cdk.out directories: every stack, paired by name) or two template files, and print ' +
        'as markdown what changes in database access: users added, removed, retained or adopted; grants added and ' +
        'removed per user; TLS requirement changes; principals gaining or losing rds-db:connect; and the risks the head ' +
        'brings (a write privilege on *.*, ALL, a newly adopted password user, an explicit opt-in, connect as any user). ' +
        'Nothing is deployed and no AWS call is made. Exit code 0 when access is unchanged, 2 when it changes, 1 on failure.',
    )
    .argument('<base>', 'the cdk.out directory or template file before the change')
    .argument('<head>', 'the cdk.out directory or template file after the change')
    .option('--stack <name...>', 'compare only these stacks (by stack name)')
    .option('--debug', 'on failure, also print the underlying causes')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rds-iam diff base/cdk.out cdk.out                          # every stack of two synthesized checkouts\n' +
        '  rds-iam diff base/cdk.out cdk.out --stack RdsIamMysql-prod\n' +
        '  rds-iam diff main-dev.template.json cdk.out/RdsIamMysql-dev.template.json >> "$GITHUB_STEP_SUMMARY"',
    )
    .action(async (base: string, head: string, flags: DiffFlags) =>
      onResult(await runCommand(context, 'diff', flags, () => diff(base, head, flags, context))),
    );
}

async function diff(base: string, head: string, flags: DiffFlags, context: CliContext): Promise<CommandResult> {
  const { compareSynthesizedAccess } = await import('../../review/compare-synthesized-access');
  const { isUnchanged } = await import('../../review/access-diff');
  const result = await compareSynthesizedAccess(base, head, { stacks: flags.stack });
  context.stdout.write(result.markdown);
  return isUnchanged(result.diff) ? ExitCode.Success : ExitCode.ChangesPending;
}

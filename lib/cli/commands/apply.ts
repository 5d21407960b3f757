import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import type { ConvergeEnvironmentFlags } from '../converge-environment';
import { addMasterSessionOptions } from '../master-session-options';
import { runCommand, type CommandResult } from '../run-command';

/**
 * `rds-iam apply`: runs the plan with the provisioner's own `convergeUsers`, for break-glass use from a bastion and
 * for MySQL-compatible servers outside CloudFormation. The next deploy would do the same.
 */
export function registerApplyCommand(program: Command, context: CliContext, onResult: (code: CommandResult) => void): void {
  addMasterSessionOptions(
    program
      .command('apply')
      .summary('run the plan: bring the database users to the declaration')
      .description(
        'Connect as the master user and run the statements `rds-iam plan` prints, one after the other, with the same ' +
          'code the provisioner Lambda uses, including DROP USER for deployed users no longer declared (see ' +
          '--deployed-state); each statement is printed as it runs. Stops at the first failure (the ' +
          'statements before it stay applied; running apply again continues from there).',
      ),
  )
    .addHelpText('after', '\nExample:\n  rds-iam plan --env dev; rds-iam apply --env dev')
    .action(async (flags: ConvergeEnvironmentFlags) => onResult(await runCommand(context, 'apply', flags, () => apply(flags, context))));
}

async function apply(flags: ConvergeEnvironmentFlags, context: CliContext): Promise<CommandResult> {
  const [{ convergeEnvironment }, report] = await Promise.all([import('../converge-environment'), import('../plan-report')]);
  const { result, where } = await convergeEnvironment(flags, context, {
    dryRun: false,
    log: (entry) => {
      if (entry.event === 'statement') context.stdout.write(`${String(entry.sql)};\n`);
    },
  });
  context.stderr.write(
    result.executed === 0 ? report.formatPlanSummary(result, where) : `${where}: applied ${result.executed} statement(s).\n`,
  );
  return 0;
}

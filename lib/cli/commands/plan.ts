import type { Command } from 'commander';
import { ExitCode, type CliContext } from '../cli-context';
import type { ConvergeEnvironmentFlags } from '../converge-environment';
import { addMasterSessionOptions } from '../master-session-options';
import { runCommand, type CommandResult } from '../run-command';

/**
 * `rds-iam plan`: the exact SQL the provisioner would run to bring the live users to the declaration, computed by the
 * same planner the Lambda uses, with nothing changed. Exit code 2 when there is something to do, so CI can gate on drift.
 */
export function registerPlanCommand(program: Command, context: CliContext, onResult: (code: CommandResult) => void): void {
  addMasterSessionOptions(
    program
      .command('plan')
      .summary('print the SQL that would bring the database users to the declaration (exit 2 if any)')
      .description(
        "Connect as the master user, read the live users and privileges of the environment's declared users, and print " +
          'the exact statements the provisioner would run at the next deploy to reach the declared state, including ' +
          'DROP USER for users deployed before and no longer declared (the deployed set is read from the stack, see ' +
          '--deployed-state). Nothing is changed. Exit code 0 when nothing would change, 2 when something would (drift, ' +
          'or a declaration not yet deployed), 1 on failure.',
      ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rds-iam plan --env dev                        # master secret found through the RDS API, deployed users from stack RdsIamMysql-dev\n' +
        '  DB_ADMIN_PASSWORD=... rds-iam plan --env dev --hostname db.internal --ca ca.pem --admin-user admin --password-env DB_ADMIN_PASSWORD\n' +
        '  # review a branch without AWS access: what would it change compared with what main synthesizes?\n' +
        '  git switch main && npx cdk synth -c env=dev && cp cdk.out/RdsIamMysql-dev.template.json /tmp/main-dev.json && git switch -\n' +
        '  rds-iam plan --env dev --hostname 127.0.0.1 --port 3306 --ca ca.pem --admin-user admin --password-env DB_ADMIN_PASSWORD \\\n' +
        '    --deployed-state /tmp/main-dev.json',
    )
    .action(async (flags: ConvergeEnvironmentFlags) => onResult(await runCommand(context, 'plan', flags, () => plan(flags, context))));
}

async function plan(flags: ConvergeEnvironmentFlags, context: CliContext): Promise<CommandResult> {
  const [{ convergeEnvironment }, report] = await Promise.all([import('../converge-environment'), import('../plan-report')]);
  const { result, where } = await convergeEnvironment(flags, context, { dryRun: true });
  context.stdout.write(report.formatPlanSql(result));
  context.stderr.write(report.formatPlanSummary(result, where));
  return result.plan.statements.length === 0 ? ExitCode.Success : ExitCode.ChangesPending;
}

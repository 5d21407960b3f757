import type { Command } from 'commander';
import { ExitCode, type CliContext } from '../cli-context';
import type { MasterSessionFlags } from '../master-session';
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
          'the exact statements the provisioner would run to reach the declared state. Nothing is changed. Exit code 0 ' +
          'when nothing would change, 2 when something would (drift, or a declaration not yet deployed), 1 on failure.',
      ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rds-iam plan --env dev                        # master secret found through the RDS API\n' +
        '  DB_ADMIN_PASSWORD=... rds-iam plan --env dev --hostname db.internal --ca ca.pem --admin-user admin --password-env DB_ADMIN_PASSWORD',
    )
    .action(async (flags: MasterSessionFlags) => onResult(await runCommand(context, 'plan', flags, () => plan(flags, context))));
}

async function plan(flags: MasterSessionFlags, context: CliContext): Promise<CommandResult> {
  const [{ openMasterSession }, { convergeUsers }, { environmentUserSpecs }, report] = await Promise.all([
    import('../master-session'),
    import('../../provisioning/converge-users'),
    import('../../environments'),
    import('../plan-report'),
  ]);
  const session = await openMasterSession(flags, context);
  try {
    const users = environmentUserSpecs(session.environment);
    // `previous` is the declaration too: users deleted from it since the last deploy are not known here.
    const result = await convergeUsers(session.connection, {
      desired: users,
      previous: users,
      operation: 'converge',
      masterUsername: session.masterUsername,
      dryRun: true,
    });
    context.stdout.write(report.formatPlanSql(result));
    const where = `environment ${session.environment.name} at ${session.target.endpointHost}:${session.target.endpointPort}`;
    context.stderr.write(report.formatPlanSummary(result, where));
    return result.plan.statements.length === 0 ? ExitCode.Success : ExitCode.ChangesPending;
  } finally {
    await session.connection.end();
  }
}

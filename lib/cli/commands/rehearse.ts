import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { EmulatorEngine } from '../../emulator';
import { CliFailure, ExitCode, type CliContext } from '../cli-context';
import { parseCount, parseEngine } from '../flag-parsers';
import { runCommand, type CommandResult } from '../run-command';

interface RehearseFlags {
  readonly app: string;
  /** The same as the positional argument, as `plan`, `apply` and `local` name a stack. */
  readonly stack?: string;
  readonly engine?: EmulatorEngine;
  readonly debug?: boolean;
  readonly core?: boolean;
  readonly loginSample?: number;
}

/**
 * `rds-iam rehearse <stack>`: CloudFormation's lifecycle of a synthesized stack's database custom resources, run
 * offline through the exact bundles `cdk synth` wrote, against the local emulator. One line per step; exit 1 when
 * any step fails.
 */
export function registerRehearseCommand(program: Command, context: CliContext, onResult: (code: CommandResult) => void): void {
  program
    .command('rehearse')
    .summary("rehearse a synthesized stack's deploy, updates, rollbacks and delete offline, before cdk deploy")
    .description(
      'Read the stack from the cloud assembly (after cdk synth), resolve its properties with the values RDS and Secrets ' +
        'Manager really produce, and run its custom resources through CloudFormation\'s lifecycle (create, updates, a ' +
        'failed update and its rollback, a replacement, an endpoint change, delete, a failed create and its rollback) ' +
        'with the exact Lambda bundles under Node.js 24, against the local emulator. Each response is judged as ' +
        'CloudFormation reads it and each declared user logs in with an IAM token over TLS. No AWS account is used: ' +
        'every AWS API is answered on loopback.',
    )
    .argument('[stack]', 'the stack name, e.g. RdsIamMysql-dev (or --stack)')
    .option('--stack <name>', 'the stack name, as plan, apply and local take it')
    .option('--app <dir>', 'the cloud assembly directory cdk synth wrote', 'cdk.out')
    .option('--engine <engine>', "mysql or mariadb (default: the engine the stack's database declares)", parseEngine)
    .option('--core', 'only create, an unchanged and a changing update, and delete: for very large user sets')
    .option('--login-sample <n>', 'log in as at most n declared users, spread over the set (the planner still compares all)', parseCount)
    .option('--debug', 'on failure, also print the underlying causes')
    .addHelpText(
      'after',
      '\nExamples:\n  npx cdk synth && npx rds-iam rehearse RdsIamMysql-dev\n  npx rds-iam rehearse --stack RdsIamMysql-staging --engine mariadb\n' +
        '  npx rds-iam rehearse RdsIamMysql-dev --core --login-sample 100    # 10,000 users: about 3 minutes',
    )
    .action(async (stack: string | undefined, flags: RehearseFlags) =>
      onResult(await runCommand(context, 'rehearse', flags, () => rehearse(stackNameOf(stack, flags), flags, context))),
    );
}

function stackNameOf(argument: string | undefined, flags: RehearseFlags): string {
  if (argument !== undefined && flags.stack !== undefined && argument !== flags.stack) {
    throw new CliFailure('RDS_IAM_CLI_USAGE', `two stacks named: ${argument} and --stack ${flags.stack}; give one`);
  }
  const stackName = argument ?? flags.stack;
  if (stackName === undefined) throw new CliFailure('RDS_IAM_CLI_USAGE', 'which stack? give its name, e.g. rds-iam rehearse --stack RdsIamMysql-dev');
  return stackName;
}

async function rehearse(stackName: string, flags: RehearseFlags, context: CliContext): Promise<CommandResult> {
  const [{ rehearseStack }, { formatStep, formatSummary }, { rehearsalEngine }] = await Promise.all([
    import('../../rehearsal/rehearse-stack'),
    import('../../rehearsal/rehearsal-report'),
    import('../../rehearsal/declared-engine'),
  ]);
  const assemblyDirectory = resolve(flags.app);
  const { engine, source } = await rehearsalEngine(assemblyDirectory, stackName, flags.engine);
  const on = engine === undefined ? "the emulator's default engine" : `${engine} (${source === 'requested' ? '--engine' : "the stack's declared engine"})`;
  context.stderr.write(`rehearsing ${stackName} from ${flags.app} on the emulator, ${on}...\n`);
  const report = await rehearseStack({
    assemblyDirectory,
    stackName,
    ...(engine === undefined ? {} : { emulator: { engine } }),
    scope: flags.core === true ? 'core' : 'whole',
    loginSample: flags.loginSample,
    onStep: (step) => context.stdout.write(`${formatStep(step)}\n`),
  });
  context.stdout.write(formatSummary(report));
  return report.ok ? ExitCode.Success : ExitCode.Failure;
}

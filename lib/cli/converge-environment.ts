import type { ConvergeLogEntry, ConvergeResult } from '../provisioning/converge-users';
import type { CliContext } from './cli-context';
import type { DeployedStateFlags } from './deployed-user-set';
import type { MasterSessionFlags } from './master-session';

/** Flags of `plan` and `apply`. */
export interface ConvergeEnvironmentFlags extends MasterSessionFlags, DeployedStateFlags {}

/** What `plan` or `apply` did, and where, for its summary line. */
export interface EnvironmentConvergence {
  readonly result: ConvergeResult;
  /** `environment dev at host:port`. */
  readonly where: string;
}

/**
 * The one code path of `plan` (dry run) and `apply`: the provisioner's own `convergeUsers` with the declaration as
 * `desired` and the deployed user set as `previous`, exactly as the Lambda gets them at the next deploy. The deployed
 * set is read before connecting, so a refused GetTemplate leaves the database untouched.
 */
export async function convergeEnvironment(
  flags: ConvergeEnvironmentFlags,
  context: CliContext,
  options: { readonly dryRun: boolean; readonly log?: (entry: ConvergeLogEntry) => void },
): Promise<EnvironmentConvergence> {
  const [{ openMasterSession }, { convergeUsers }, environments, { readDeployedUserSet }] = await Promise.all([
    import('./master-session'),
    import('../provisioning/converge-users'),
    import('../../app/environments'),
    import('./deployed-user-set'),
  ]);
  const deployed = await readDeployedUserSet(environments.getEnvironment(flags.env), flags, context);
  context.stderr.write(`${deployed.description}\n`);
  const session = await openMasterSession(flags, context);
  try {
    const result = await convergeUsers(session.connection, {
      desired: environments.environmentUserSpecs(session.environment),
      previous: deployed.users,
      operation: 'converge',
      masterUsername: session.masterUsername,
      dryRun: options.dryRun,
      log: options.log,
    });
    return { result, where: `environment ${session.environment.name} at ${session.target.endpointHost}:${session.target.endpointPort}` };
  } finally {
    await session.connection.end();
  }
}

import type { ConvergeLogEntry, ConvergeResult } from '../provisioning/converge-users';
import type { CliContext } from './cli-context';
import type { DeployedStateFlags } from './deployed-user-set';
import type { MasterSessionFlags } from './master-session';

/** Flags of `plan` and `apply`. */
export interface ConvergeEnvironmentFlags extends MasterSessionFlags, DeployedStateFlags {}

/** What `plan` or `apply` did, and where, for its summary line. */
export interface EnvironmentConvergence {
  readonly result: ConvergeResult;
  /** `environment dev at host:port`, `stack Orders at host:port`. */
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
  const [{ openMasterSession }, { convergeUsers }, { readDeclaredDatabase }, { readDeployedUserSet }] = await Promise.all([
    import('./master-session'),
    import('../provisioning/converge-users'),
    import('./declared-database'),
    import('./deployed-user-set'),
  ]);
  const declared = await readDeclaredDatabase(flags);
  const deployed = await readDeployedUserSet(declared, flags, context);
  context.stderr.write(`${deployed.description}\n`);
  const session = await openMasterSession(flags, context, declared);
  try {
    const result = await convergeUsers(session.connection, {
      desired: declared.users,
      previous: deployed.users,
      operation: 'converge',
      masterUsername: session.masterUsername,
      dryRun: options.dryRun,
      log: options.log,
    });
    return { result, where: `${declared.label} at ${session.target.endpointHost}:${session.target.endpointPort}` };
  } finally {
    await session.connection.end();
  }
}

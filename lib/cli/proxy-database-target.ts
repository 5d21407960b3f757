import { CliFailure, type CliContext } from './cli-context';
import type { DatabaseTarget, DatabaseTargetFlags } from './database-target';
import type { DeclaredDatabase } from './declared-database';

/**
 * `--proxy [name]`: the endpoint of an RDS Proxy, found by name through `DescribeDBProxies` (which also says whether
 * it takes IAM tokens). Without a name, the proxy of the `--env` environment's stack. Tokens are then signed for the proxy
 * endpoint, and TLS is verified against it.
 */
export async function resolveProxyTarget(
  flags: DatabaseTargetFlags,
  declared: DeclaredDatabase | undefined,
  region: string | undefined,
  context: CliContext,
): Promise<DatabaseTarget> {
  if (flags.hostname !== undefined || flags.cluster !== undefined || flags.instance !== undefined) {
    throw new CliFailure('RDS_IAM_CLI_USAGE', 'give --proxy or one of --hostname, --cluster and --instance, not both');
  }
  if (flags.reader) {
    throw new CliFailure('RDS_IAM_CLI_USAGE', '--reader names a cluster endpoint; a proxy has one endpoint, give --proxy alone');
  }
  const name = typeof flags.proxy === 'string' ? flags.proxy : declared?.proxy?.name;
  if (name === undefined) {
    throw new CliFailure(
      'RDS_IAM_CLI_USAGE',
      declared === undefined
        ? 'which proxy? give --proxy <name>, or --env <name> --proxy for the proxy the environment declares'
        : `${declared.label} declares no proxy; give its name: --proxy <name>`,
    );
  }
  const { describeIamProxy } = await import('../client/rds-proxy-lookup');
  const proxy = await describeIamProxy(name, await context.createRdsClient(region, flags.profile));
  return {
    endpointHost: proxy.endpoint,
    endpointPort: flags.port ?? proxy.port,
    region,
    endpointIsExplicit: true,
  };
}

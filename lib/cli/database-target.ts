import type { DatabaseLookup } from '../client/rds-database-lookup';
import type { EnvironmentConfig } from '../../app/environments';
import { CliFailure, type CliContext } from './cli-context';

/** Flags that say which database a command works on. */
export interface DatabaseTargetFlags {
  /** An environment of the project's config: its database, region and (for plan/apply) users. */
  readonly env?: string;
  readonly cluster?: string;
  readonly instance?: string;
  /** An endpoint given directly (RDS, or any MySQL-compatible server with `--ca`). */
  readonly hostname?: string;
  readonly port?: number;
  readonly reader?: boolean;
  readonly region?: string;
  readonly profile?: string;
  readonly ca?: string;
}

/** The database a command connects to. */
export interface DatabaseTarget {
  /** The endpoint tokens are signed for and TLS is verified against. */
  readonly endpointHost: string;
  readonly endpointPort: number;
  /** Region for signing and AWS API calls; undefined lets the AWS SDK decide (AWS_REGION, profile). */
  readonly region?: string;
  /** `aurora-mysql`, `mysql` or `mariadb`, when the RDS API said so. */
  readonly engine?: string;
  readonly masterUsername?: string;
  readonly masterUserSecretArn?: string;
  /** The environment named by `--env`, if any. */
  readonly environment?: EnvironmentConfig;
  /**
   * True when the endpoint came from the RDS API or an explicit `--hostname` with `--ca`: the hostname guard is then
   * satisfied by construction. False for a bare `--hostname`, which must be an RDS endpoint name.
   */
  readonly endpointIsExplicit: boolean;
}

/**
 * Resolves `--hostname`, `--cluster`, `--instance` or `--env` to an endpoint. The RDS API (DescribeDBClusters /
 * DescribeDBInstances) is called only for identifiers and environments, and it refuses databases with IAM
 * authentication off.
 */
export async function resolveDatabaseTarget(flags: DatabaseTargetFlags, context: CliContext): Promise<DatabaseTarget> {
  const direct = [flags.hostname, flags.cluster, flags.instance].filter((value) => value !== undefined);
  if (direct.length > 1) {
    throw new CliFailure('RDS_IAM_CLI_USAGE', 'give only one of --hostname, --cluster and --instance');
  }
  if (direct.length === 0 && flags.env === undefined) {
    throw new CliFailure(
      'RDS_IAM_CLI_USAGE',
      'which database? give --cluster <id>, --instance <id>, --env <name> or --hostname <endpoint>',
    );
  }
  const environments = await import('../../app/environments');
  const environment = flags.env === undefined ? undefined : environments.getEnvironment(flags.env);
  const region = flags.region ?? environment?.region;
  if (flags.hostname !== undefined) {
    return {
      endpointHost: flags.hostname,
      endpointPort: flags.port ?? 3306,
      region,
      environment,
      endpointIsExplicit: flags.ca !== undefined,
    };
  }
  const { describeIamDatabase } = await import('../client/rds-database-lookup');
  const client = await context.createRdsClient(region, flags.profile);
  const database = await describeIamDatabase(
    { ...lookupOf(flags, environment && { config: environment, stackName: environments.environmentStackName(environment) }), reader: flags.reader },
    client,
  );
  return {
    endpointHost: database.endpoint,
    endpointPort: flags.port ?? database.port,
    region,
    engine: database.engine,
    masterUsername: database.masterUsername,
    masterUserSecretArn: database.masterUserSecretArn,
    environment,
    endpointIsExplicit: true,
  };
}

function lookupOf(
  flags: DatabaseTargetFlags,
  environment: { readonly config: EnvironmentConfig; readonly stackName: string } | undefined,
): DatabaseLookup {
  if (flags.cluster !== undefined) return { cluster: flags.cluster };
  if (flags.instance !== undefined) return { instance: flags.instance };
  if (environment === undefined) throw new CliFailure('RDS_IAM_CLI_USAGE', 'which database? give --cluster, --instance or --env');
  const database = environment.config.database;
  switch (database.kind) {
    case 'existing-cluster':
      return { cluster: database.identifier };
    case 'existing-instance':
      return { instance: database.identifier };
    case 'aurora-mysql-cluster':
      // A database the stack created has a generated identifier: find it by the stack's tag.
      return { stack: { name: environment.stackName, kind: 'cluster' } };
    case 'rds-instance':
      return { stack: { name: environment.stackName, kind: 'instance' } };
  }
}

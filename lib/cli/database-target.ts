import type { DatabaseLookup } from '../client/rds-database-lookup';
import { CliFailure, type CliContext } from './cli-context';
import type { DeclaredDatabase } from './declared-database';

/** Flags that say which database a command works on. */
export interface DatabaseTargetFlags {
  /** The stack of `app` its app named this environment: its database, region, proxy and (for plan/apply) users. */
  readonly env?: string;
  /** The cloud assembly `--env` is read from. @default 'cdk.out' */
  readonly app?: string;
  readonly cluster?: string;
  readonly instance?: string;
  /** An endpoint given directly (RDS, or any MySQL-compatible server with `--ca`). */
  readonly hostname?: string;
  /** An RDS Proxy by name, or (`true`) the proxy of the `--env` environment's stack. */
  readonly proxy?: string | true;
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
  /** The declaration named by `--env`, `--stack` or `--template`, if any. */
  readonly declared?: DeclaredDatabase;
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
export async function resolveDatabaseTarget(
  flags: DatabaseTargetFlags,
  context: CliContext,
  declaration?: DeclaredDatabase,
): Promise<DatabaseTarget> {
  const direct = [flags.hostname, flags.cluster, flags.instance].filter((value) => value !== undefined);
  let declared = declaration;
  if (declared === undefined && flags.env !== undefined) {
    const { readDeclaredDatabase } = await import('./declared-database');
    declared = await readDeclaredDatabase({ env: flags.env, app: flags.app });
  }
  if (flags.proxy !== undefined) {
    const { resolveProxyTarget } = await import('./proxy-database-target');
    return resolveProxyTarget(flags, declared, flags.region ?? declared?.region, context);
  }
  if (direct.length > 1) {
    throw new CliFailure('RDS_IAM_CLI_USAGE', 'give only one of --hostname, --cluster and --instance');
  }
  if (direct.length === 0 && declared === undefined) {
    throw new CliFailure(
      'RDS_IAM_CLI_USAGE',
      'which database? give --cluster <id>, --instance <id>, --proxy <name>, --env <name> or --hostname <endpoint>',
    );
  }
  const region = flags.region ?? declared?.region;
  if (flags.hostname !== undefined) {
    return {
      endpointHost: flags.hostname,
      endpointPort: flags.port ?? 3306,
      region,
      declared,
      endpointIsExplicit: flags.ca !== undefined,
    };
  }
  const { describeIamDatabase } = await import('../client/rds-database-lookup');
  const client = await context.createRdsClient(region, flags.profile);
  const database = await describeIamDatabase({ ...lookupOf(flags, declared), reader: flags.reader }, client);
  return {
    endpointHost: database.endpoint,
    endpointPort: flags.port ?? database.port,
    region,
    engine: database.engine,
    masterUsername: database.masterUsername,
    masterUserSecretArn: database.masterUserSecretArn,
    declared,
    endpointIsExplicit: true,
  };
}

function lookupOf(flags: DatabaseTargetFlags, declared: DeclaredDatabase | undefined): DatabaseLookup {
  if (flags.cluster !== undefined) return { cluster: flags.cluster };
  if (flags.instance !== undefined) return { instance: flags.instance };
  if (declared?.lookup === undefined) {
    throw new CliFailure(
      'RDS_IAM_CLI_USAGE',
      `which database? ${declared === undefined ? 'give --cluster, --instance or --env' : `${declared.label} does not say (it imports its database by attributes): give --cluster <id> or --instance <id>`}`,
    );
  }
  return declared.lookup;
}

import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  type DBCluster,
  type DBInstance,
  type Tag,
} from '@aws-sdk/client-rds';
import { ClientOptionsError, DatabaseNotFoundError, IamAuthDisabledError } from './client-errors';

/**
 * Finds a database's endpoint, port and IAM-authentication state through the RDS API, so callers name a cluster or
 * instance instead of copying endpoints around.
 */

/** Which database to look up: exactly one of `cluster`, `instance` or `stack`. */
export interface DatabaseLookup {
  /** A DB cluster identifier (Aurora). */
  readonly cluster?: string;
  /** A DB instance identifier (RDS for MySQL / MariaDB, or one Aurora instance). */
  readonly instance?: string;
  /** A CloudFormation stack name: the cluster or instance carrying its `aws:cloudformation:stack-name` tag. */
  readonly stack?: { readonly name: string; readonly kind: 'cluster' | 'instance' };
  /**
   * Use the cluster's reader endpoint instead of its writer endpoint.
   * @default false
   */
  readonly reader?: boolean;
}

/** What a connection needs to know about the database. */
export interface IamDatabase {
  readonly kind: 'cluster' | 'instance';
  readonly identifier: string;
  /** Writer endpoint (or reader endpoint when asked for). */
  readonly endpoint: string;
  readonly port: number;
  /** `aurora-mysql`, `mysql` or `mariadb`. */
  readonly engine: string;
  readonly masterUsername?: string;
  /** The RDS-managed master secret, when the database has one. */
  readonly masterUserSecretArn?: string;
}

const STACK_NAME_TAG = 'aws:cloudformation:stack-name';

/**
 * Looks the database up and checks that IAM authentication is on. Throws {@link DatabaseNotFoundError} when nothing
 * matches and {@link IamAuthDisabledError} (with the command that turns it on) when IAM authentication is off.
 */
export async function describeIamDatabase(lookup: DatabaseLookup, client: RDSClient): Promise<IamDatabase> {
  const chosen = [lookup.cluster, lookup.instance, lookup.stack].filter((value) => value !== undefined).length;
  if (chosen !== 1) {
    throw new ClientOptionsError('name exactly one database: a cluster identifier, an instance identifier or a stack');
  }
  const reader = lookup.reader ?? false;
  if (lookup.cluster !== undefined) return fromCluster(await findCluster(client, lookup.cluster), reader);
  if (lookup.instance !== undefined) return fromInstance(await findInstance(client, lookup.instance));
  const stack = lookup.stack as NonNullable<DatabaseLookup['stack']>;
  return stack.kind === 'cluster'
    ? fromCluster(await findClusterOfStack(client, stack.name), reader)
    : fromInstance(await findInstanceOfStack(client, stack.name));
}

async function findCluster(client: RDSClient, identifier: string): Promise<DBCluster> {
  try {
    const { DBClusters } = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
    if (DBClusters?.[0] !== undefined) return DBClusters[0];
  } catch (cause) {
    if (!isNamed(cause, 'DBClusterNotFoundFault')) throw cause;
    throw notFound(`DB cluster ${JSON.stringify(identifier)}`, 'is it an instance rather than a cluster?', cause);
  }
  throw notFound(`DB cluster ${JSON.stringify(identifier)}`, 'is it an instance rather than a cluster?');
}

async function findInstance(client: RDSClient, identifier: string): Promise<DBInstance> {
  try {
    const { DBInstances } = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    if (DBInstances?.[0] !== undefined) return DBInstances[0];
  } catch (cause) {
    if (!isNamed(cause, 'DBInstanceNotFoundFault')) throw cause;
    throw notFound(`DB instance ${JSON.stringify(identifier)}`, 'is it an Aurora cluster rather than an instance?', cause);
  }
  throw notFound(`DB instance ${JSON.stringify(identifier)}`, 'is it an Aurora cluster rather than an instance?');
}

async function findClusterOfStack(client: RDSClient, stackName: string): Promise<DBCluster> {
  let marker: string | undefined;
  do {
    const page = await client.send(new DescribeDBClustersCommand({ Marker: marker }));
    const found = page.DBClusters?.find((cluster) => isOfStack(cluster.TagList, stackName));
    if (found !== undefined) return found;
    marker = page.Marker;
  } while (marker !== undefined);
  throw notFound(`a DB cluster of stack ${JSON.stringify(stackName)}`, 'is the stack deployed in this account and region?');
}

async function findInstanceOfStack(client: RDSClient, stackName: string): Promise<DBInstance> {
  let marker: string | undefined;
  do {
    const page = await client.send(new DescribeDBInstancesCommand({ Marker: marker }));
    const found = page.DBInstances?.find((instance) => isOfStack(instance.TagList, stackName));
    if (found !== undefined) return found;
    marker = page.Marker;
  } while (marker !== undefined);
  throw notFound(`a DB instance of stack ${JSON.stringify(stackName)}`, 'is the stack deployed in this account and region?');
}

function fromCluster(cluster: DBCluster, reader: boolean): IamDatabase {
  const identifier = cluster.DBClusterIdentifier ?? '(unnamed cluster)';
  requireIamAuth(cluster.IAMDatabaseAuthenticationEnabled, `DB cluster ${JSON.stringify(identifier)}`,
    `aws rds modify-db-cluster --db-cluster-identifier ${identifier} --enable-iam-database-authentication --apply-immediately`);
  const endpoint = reader ? cluster.ReaderEndpoint : cluster.Endpoint;
  if (endpoint === undefined || cluster.Port === undefined) {
    throw notFound(`the ${reader ? 'reader' : 'writer'} endpoint of DB cluster ${JSON.stringify(identifier)}`, 'is it still being created?');
  }
  return {
    kind: 'cluster',
    identifier,
    endpoint,
    port: cluster.Port,
    engine: cluster.Engine ?? 'aurora-mysql',
    masterUsername: cluster.MasterUsername,
    masterUserSecretArn: cluster.MasterUserSecret?.SecretArn,
  };
}

function fromInstance(instance: DBInstance): IamDatabase {
  const identifier = instance.DBInstanceIdentifier ?? '(unnamed instance)';
  requireIamAuth(instance.IAMDatabaseAuthenticationEnabled, `DB instance ${JSON.stringify(identifier)}`,
    `aws rds modify-db-instance --db-instance-identifier ${identifier} --enable-iam-database-authentication --apply-immediately`);
  if (instance.Endpoint?.Address === undefined || instance.Endpoint.Port === undefined) {
    throw notFound(`the endpoint of DB instance ${JSON.stringify(identifier)}`, 'is it still being created?');
  }
  return {
    kind: 'instance',
    identifier,
    endpoint: instance.Endpoint.Address,
    port: instance.Endpoint.Port,
    engine: instance.Engine ?? 'mysql',
    masterUsername: instance.MasterUsername,
    masterUserSecretArn: instance.MasterUserSecret?.SecretArn,
  };
}

function requireIamAuth(enabled: boolean | undefined, what: string, command: string): void {
  if (enabled === true) return;
  throw new IamAuthDisabledError(
    `${what} has IAM database authentication turned off, so RDS would refuse every IAM token. Fix: turn it on ` +
      `(CDK: iamAuthentication: true, or deploy this project's stack; CLI: ${command}).`,
  );
}

function isOfStack(tags: readonly Tag[] | undefined, stackName: string): boolean {
  return tags?.some((tag) => tag.Key === STACK_NAME_TAG && tag.Value === stackName) ?? false;
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function notFound(what: string, hint: string, cause?: unknown): DatabaseNotFoundError {
  return new DatabaseNotFoundError(`found no ${what} in this account and region (${hint})`, { cause });
}

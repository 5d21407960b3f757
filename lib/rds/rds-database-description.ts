import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type DBCluster, type DBInstance, type RDSClient, type Tag } from '@aws-sdk/client-rds';

/**
 * A DB cluster or DB instance as the RDS API describes it, the same record for both and for every caller: the client's
 * lookup, the CLI and the existing-database Lambda. Fields RDS leaves out (a cluster still being created has no
 * endpoint yet) are empty strings or 0; callers that need them say so.
 */
export interface RdsDatabaseDescription {
  readonly kind: 'cluster' | 'instance';
  readonly identifier: string;
  /** `arn:<partition>:rds:<region>:<account>:cluster:<id>` or `…:db:<id>`: what tags are set on. */
  readonly arn: string;
  /** Its tags, by key. */
  readonly tags: ReadonlyMap<string, string>;
  /** `aurora-mysql`, `mysql`, `mariadb`, or whatever else RDS reports. */
  readonly engine: string;
  /** `cluster-…` (DbClusterResourceId) or `db-…` (DbiResourceId). */
  readonly resourceId: string;
  /** The writer endpoint of a cluster, the endpoint of an instance. */
  readonly endpoint: string;
  /** A cluster's reader endpoint. */
  readonly readerEndpoint?: string;
  readonly port: number;
  /** `available`, `modifying`, `backing-up`, … */
  readonly status: string;
  readonly iamAuthEnabled: boolean;
  /** A change of IAM authentication was requested and is not applied yet. */
  readonly iamAuthChangePending: boolean;
  readonly masterUsername?: string;
  /** The RDS-managed master secret, when the database has one. */
  readonly masterUserSecretArn?: string;
  /** For an instance: the Aurora cluster it belongs to, if any. */
  readonly clusterIdentifier?: string;
}

export type RdsDatabaseKind = RdsDatabaseDescription['kind'];

/** The fault RDS answers a Describe call with when no database has the identifier. */
const NOT_FOUND_FAULT: Readonly<Record<RdsDatabaseKind, string>> = { cluster: 'DBClusterNotFoundFault', instance: 'DBInstanceNotFoundFault' };

/** The Describe action of each kind, for error messages and IAM policies. */
export const DESCRIBE_ACTION: Readonly<Record<RdsDatabaseKind, string>> = { cluster: 'DescribeDBClusters', instance: 'DescribeDBInstances' };

export function describeCluster(cluster: DBCluster): RdsDatabaseDescription {
  return {
    kind: 'cluster',
    identifier: cluster.DBClusterIdentifier ?? '',
    arn: cluster.DBClusterArn ?? '',
    tags: tagMap(cluster.TagList),
    engine: cluster.Engine ?? '',
    resourceId: cluster.DbClusterResourceId ?? '',
    endpoint: cluster.Endpoint ?? '',
    ...(cluster.ReaderEndpoint === undefined ? {} : { readerEndpoint: cluster.ReaderEndpoint }),
    port: cluster.Port ?? 0,
    status: cluster.Status ?? '',
    iamAuthEnabled: cluster.IAMDatabaseAuthenticationEnabled === true,
    iamAuthChangePending: cluster.PendingModifiedValues?.IAMDatabaseAuthenticationEnabled !== undefined,
    masterUsername: cluster.MasterUsername,
    masterUserSecretArn: cluster.MasterUserSecret?.SecretArn,
  };
}

export function describeInstance(instance: DBInstance): RdsDatabaseDescription {
  return {
    kind: 'instance',
    identifier: instance.DBInstanceIdentifier ?? '',
    arn: instance.DBInstanceArn ?? '',
    tags: tagMap(instance.TagList),
    engine: instance.Engine ?? '',
    resourceId: instance.DbiResourceId ?? '',
    endpoint: instance.Endpoint?.Address ?? '',
    port: instance.Endpoint?.Port ?? 0,
    status: instance.DBInstanceStatus ?? '',
    iamAuthEnabled: instance.IAMDatabaseAuthenticationEnabled === true,
    iamAuthChangePending: instance.PendingModifiedValues?.IAMDatabaseAuthenticationEnabled !== undefined,
    masterUsername: instance.MasterUsername,
    masterUserSecretArn: instance.MasterUserSecret?.SecretArn,
    clusterIdentifier: instance.DBClusterIdentifier,
  };
}

/** Whether an error of a Describe call means that no database has the identifier. */
export function isNotFoundFault(error: unknown, kind: RdsDatabaseKind): boolean {
  return error instanceof Error && error.name === NOT_FOUND_FAULT[kind];
}

/**
 * Describes one cluster or instance by identifier; `undefined` when the answer lists none. Failures of the API call,
 * {@link isNotFoundFault} among them, are thrown as the SDK raised them, for the caller to explain in its own terms.
 */
export async function describeRdsDatabase(rds: RDSClient, kind: RdsDatabaseKind, identifier: string): Promise<RdsDatabaseDescription | undefined> {
  if (kind === 'cluster') {
    const { DBClusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
    return DBClusters?.[0] === undefined ? undefined : describeCluster(DBClusters[0]);
  }
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
  return DBInstances?.[0] === undefined ? undefined : describeInstance(DBInstances[0]);
}

/** The first cluster or instance whose tags match, paging through every database of the account and region. */
export async function findRdsDatabaseByTag(rds: RDSClient, kind: RdsDatabaseKind, key: string, value: string): Promise<RdsDatabaseDescription | undefined> {
  let marker: string | undefined;
  do {
    const page =
      kind === 'cluster'
        ? await rds.send(new DescribeDBClustersCommand({ Marker: marker })).then((answer) => ({ found: (answer.DBClusters ?? []).map(describeCluster), marker: answer.Marker }))
        : await rds.send(new DescribeDBInstancesCommand({ Marker: marker })).then((answer) => ({ found: (answer.DBInstances ?? []).map(describeInstance), marker: answer.Marker }));
    const match = page.found.find((database) => database.tags.get(key) === value);
    if (match !== undefined) return match;
    marker = page.marker;
  } while (marker !== undefined);
  return undefined;
}

function tagMap(tags: readonly Tag[] | undefined): ReadonlyMap<string, string> {
  return new Map((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

import {
  AddTagsToResourceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RemoveTagsFromResourceCommand,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import type { DatabaseKind } from '../../lib/constructs/database-iam-auth-properties';
import { DatabaseIamAuthError } from './database-iam-auth-error';

/** What the import needs to know about a cluster or an instance, the same for both. */
export interface DescribedDatabase {
  readonly kind: DatabaseKind;
  readonly identifier: string;
  /** `arn:<partition>:rds:<region>:<account>:cluster:<id>` or `…:db:<id>`: what tags are set on. */
  readonly arn: string;
  /** Its tags, by key. */
  readonly tags: ReadonlyMap<string, string>;
  /** `aurora-mysql`, `mysql`, `mariadb`, or whatever else RDS reports. */
  readonly engine: string;
  /** `cluster-…` or `db-…`. */
  readonly resourceId: string;
  readonly endpoint: string;
  readonly port: number;
  /** `available`, `modifying`, `backing-up`, … */
  readonly status: string;
  readonly iamAuthEnabled: boolean;
  /** A change of IAM authentication was requested and is not applied yet. */
  readonly iamAuthChangePending: boolean;
  readonly masterUserSecretArn?: string;
  /** For an instance: the Aurora cluster it belongs to, if any. */
  readonly clusterIdentifier?: string;
}

const NOT_FOUND: Readonly<Record<DatabaseKind, string>> = { cluster: 'DBClusterNotFoundFault', instance: 'DBInstanceNotFoundFault' };
const BUSY: Readonly<Record<DatabaseKind, string>> = { cluster: 'InvalidDBClusterStateFault', instance: 'InvalidDBInstanceStateFault' };

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function describeAction(kind: DatabaseKind): string {
  return kind === 'cluster' ? 'DescribeDBClusters' : 'DescribeDBInstances';
}

/** Describes the database; `undefined` when it does not exist. Other API errors throw {@link DatabaseIamAuthError}. */
export async function describeDatabase(rds: RDSClient, kind: DatabaseKind, identifier: string): Promise<DescribedDatabase | undefined> {
  try {
    return kind === 'cluster' ? await describeCluster(rds, identifier) : await describeInstance(rds, identifier);
  } catch (error) {
    if (errorName(error) === NOT_FOUND[kind]) return undefined;
    if (error instanceof DatabaseIamAuthError) throw error;
    throw new DatabaseIamAuthError(
      'RDS_IAM_DESCRIBE_FAILED',
      `${describeAction(kind)} for ${kind} ${JSON.stringify(identifier)} failed (${errorName(error) ?? 'error'}: ` +
        `${error instanceof Error ? error.message : String(error)}); check that the stack's region and account hold it ` +
        `and that the import function may call ${describeAction(kind)} on it`,
      { cause: error },
    );
  }
}

async function describeCluster(rds: RDSClient, identifier: string): Promise<DescribedDatabase | undefined> {
  const { DBClusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
  const cluster = DBClusters?.[0];
  if (cluster === undefined) return undefined;
  return {
    kind: 'cluster',
    identifier,
    arn: cluster.DBClusterArn ?? '',
    tags: tagMap(cluster.TagList),
    engine: cluster.Engine ?? '',
    resourceId: cluster.DbClusterResourceId ?? '',
    endpoint: cluster.Endpoint ?? '',
    port: cluster.Port ?? 0,
    status: cluster.Status ?? '',
    iamAuthEnabled: cluster.IAMDatabaseAuthenticationEnabled === true,
    iamAuthChangePending: cluster.PendingModifiedValues?.IAMDatabaseAuthenticationEnabled !== undefined,
    masterUserSecretArn: cluster.MasterUserSecret?.SecretArn,
  };
}

async function describeInstance(rds: RDSClient, identifier: string): Promise<DescribedDatabase | undefined> {
  const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
  const instance = DBInstances?.[0];
  if (instance === undefined) return undefined;
  return {
    kind: 'instance',
    identifier,
    arn: instance.DBInstanceArn ?? '',
    tags: tagMap(instance.TagList),
    engine: instance.Engine ?? '',
    resourceId: instance.DbiResourceId ?? '',
    endpoint: instance.Endpoint?.Address ?? '',
    port: instance.Endpoint?.Port ?? 0,
    status: instance.DBInstanceStatus ?? '',
    iamAuthEnabled: instance.IAMDatabaseAuthenticationEnabled === true,
    iamAuthChangePending: instance.PendingModifiedValues?.IAMDatabaseAuthenticationEnabled !== undefined,
    masterUserSecretArn: instance.MasterUserSecret?.SecretArn,
    clusterIdentifier: instance.DBClusterIdentifier,
  };
}

function tagMap(tags: readonly Tag[] | undefined): ReadonlyMap<string, string> {
  return new Map((tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/** Sets one tag on the database, or removes it when `value` is undefined. */
export async function setDatabaseTag(rds: RDSClient, database: DescribedDatabase, key: string, value: string | undefined): Promise<void> {
  try {
    if (value === undefined) await rds.send(new RemoveTagsFromResourceCommand({ ResourceName: database.arn, TagKeys: [key] }));
    else await rds.send(new AddTagsToResourceCommand({ ResourceName: database.arn, Tags: [{ Key: key, Value: value }] }));
  } catch (error) {
    const action = value === undefined ? 'RemoveTagsFromResource' : 'AddTagsToResource';
    throw new DatabaseIamAuthError(
      'RDS_IAM_MODIFY_FAILED',
      `${action} (${key}) on ${database.kind} ${JSON.stringify(database.identifier)} failed (${errorName(error) ?? 'error'}: ` +
        `${error instanceof Error ? error.message : String(error)}); the import function needs rds:${action} on it`,
      { cause: error },
    );
  }
}

/**
 * Requests IAM database authentication on or off, applied immediately, and nothing else. Returns false when RDS
 * refuses because the database is busy with another change: the caller polls and asks again.
 */
export async function requestIamAuthentication(rds: RDSClient, kind: DatabaseKind, identifier: string, enabled: boolean): Promise<boolean> {
  try {
    if (kind === 'cluster') {
      await rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: identifier, EnableIAMDatabaseAuthentication: enabled, ApplyImmediately: true }));
    } else {
      await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, EnableIAMDatabaseAuthentication: enabled, ApplyImmediately: true }));
    }
    return true;
  } catch (error) {
    if (errorName(error) === BUSY[kind]) return false;
    const action = kind === 'cluster' ? 'ModifyDBCluster' : 'ModifyDBInstance';
    throw new DatabaseIamAuthError(
      'RDS_IAM_MODIFY_FAILED',
      `${action} (EnableIAMDatabaseAuthentication=${enabled}) for ${kind} ${JSON.stringify(identifier)} failed ` +
        `(${errorName(error) ?? 'error'}: ${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}

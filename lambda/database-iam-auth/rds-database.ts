import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { DatabaseKind } from '../../lib/constructs/database-iam-auth-properties';
import { DatabaseIamAuthError } from './database-iam-auth-error';

/** What the import needs to know about a cluster or an instance, the same for both. */
export interface DescribedDatabase {
  readonly kind: DatabaseKind;
  readonly identifier: string;
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

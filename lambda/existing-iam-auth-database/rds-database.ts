import {
  AddTagsToResourceCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RemoveTagsFromResourceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { DESCRIBE_ACTION, describeRdsDatabase, isNotFoundFault, type RdsDatabaseDescription } from '../../lib/rds/rds-database-description';
import type { DatabaseKind } from '../../lib/contracts/existing-iam-auth-database';
import { ExistingIamAuthDatabaseError } from './existing-iam-auth-database-error';

/** What the resource needs to know about a cluster or an instance: the one RDS description. */
export type DescribedDatabase = RdsDatabaseDescription;

const BUSY: Readonly<Record<DatabaseKind, string>> = { cluster: 'InvalidDBClusterStateFault', instance: 'InvalidDBInstanceStateFault' };

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Describes the database; `undefined` when it does not exist. Other API errors throw
 * {@link ExistingIamAuthDatabaseError}. The identifier stays as declared (RDS reports it lower-cased), so the
 * physical id it goes into does not change.
 */
export async function describeDatabase(rds: RDSClient, kind: DatabaseKind, identifier: string): Promise<DescribedDatabase | undefined> {
  try {
    const database = await describeRdsDatabase(rds, kind, identifier);
    return database === undefined ? undefined : { ...database, identifier };
  } catch (error) {
    if (isNotFoundFault(error, kind)) return undefined;
    throw new ExistingIamAuthDatabaseError(
      'RDS_IAM_DESCRIBE_FAILED',
      `${DESCRIBE_ACTION[kind]} for ${kind} ${JSON.stringify(identifier)} failed (${errorName(error) ?? 'error'}: ` +
        `${error instanceof Error ? error.message : String(error)}); check that the stack's region and account hold it ` +
        `and that the function may call ${DESCRIBE_ACTION[kind]} on it`,
      { cause: error },
    );
  }
}

/** Sets one tag on the database, or removes it when `value` is undefined. */
export async function setDatabaseTag(rds: RDSClient, database: DescribedDatabase, key: string, value: string | undefined): Promise<void> {
  try {
    if (value === undefined) await rds.send(new RemoveTagsFromResourceCommand({ ResourceName: database.arn, TagKeys: [key] }));
    else await rds.send(new AddTagsToResourceCommand({ ResourceName: database.arn, Tags: [{ Key: key, Value: value }] }));
  } catch (error) {
    const action = value === undefined ? 'RemoveTagsFromResource' : 'AddTagsToResource';
    throw new ExistingIamAuthDatabaseError(
      'RDS_IAM_MODIFY_FAILED',
      `${action} (${key}) on ${database.kind} ${JSON.stringify(database.identifier)} failed (${errorName(error) ?? 'error'}: ` +
        `${error instanceof Error ? error.message : String(error)}); the function needs rds:${action} on it`,
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
    throw new ExistingIamAuthDatabaseError(
      'RDS_IAM_MODIFY_FAILED',
      `${action} (EnableIAMDatabaseAuthentication=${enabled}) for ${kind} ${JSON.stringify(identifier)} failed ` +
        `(${errorName(error) ?? 'error'}: ${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}

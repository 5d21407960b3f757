import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Connections, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IDependable } from 'constructs';
import type { DatabaseEngineFamily } from '../users/database-user-spec';

/**
 * A database with IAM authentication on, as the user constructs and the provisioner need it: whatever made it
 * (a new cluster, a new instance, an existing database imported by identifier).
 *
 * Build one with `IamAuthDatabase.fromCluster`, `IamAuthDatabase.fromInstance` or `ExistingIamAuthDatabase`.
 */
export interface IIamAuthDatabase {
  /**
   * The resource id in `rds-db:connect` ARNs: the cluster resource id (`cluster-…`) of a cluster, the DbiResourceId
   * (`db-…`) of an instance. Usually a token.
   */
  readonly resourceId: string;
  /** Writer endpoint host name. */
  readonly endpoint: string;
  /** Port the database listens on (may be a token). */
  readonly port: number;
  /** SQL dialect, which decides the valid privileges. */
  readonly engine: DatabaseEngineFamily;
  /**
   * The engine version as RDS names it (`8.0.mysql_aurora.3.10.3`, `8.4.8`, `10.11.15`), which decides the dynamic
   * privileges there are and the RDS master can grant: declarations are checked against that line at synth.
   * @default - unknown: what any supported version of the engine allows; the provisioner checks again on the server
   */
  readonly engineVersion?: string;
  /** The secret with the master user's `username` and `password`, read by the provisioner only. */
  readonly masterSecret: ISecret;
  /**
   * Master user name, refused as a declared user name.
   * @default - unknown at synth; the provisioner checks it at deploy, from the master secret, before the first statement
   */
  readonly masterUsername?: string;
  /** The VPC the database is reachable in. */
  readonly vpc: IVpc;
  /** Subnets the provisioner runs in: they must route to the database. */
  readonly vpcSubnets: SubnetSelection;
  /** The database's security groups, with the database port as default port. */
  readonly connections: Connections;
  /** The stack whose account, region and partition the database lives in. */
  readonly stack: Stack;
  /** What must be deployed before anyone connects: the database with its instances, or the import that enabled IAM auth. */
  readonly availability: IDependable;
  /** What the database is, for messages (e.g. the construct path). */
  readonly displayName: string;
}

/**
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<username>`: the only resource a grantee needs to
 * connect as that user, never a wildcard.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
 */
export function databaseUserArn(database: IIamAuthDatabase, username: string): string {
  return dbUserArn(database.stack, database.resourceId, username);
}

/**
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<username>` in `stack`'s account and region, for a
 * database resource id (`cluster-…`, `db-…`) or an RDS Proxy's (`prx-…`).
 */
export function dbUserArn(stack: Stack, resourceId: string, username: string): string {
  return stack.formatArn({
    service: 'rds-db',
    resource: 'dbuser',
    resourceName: `${resourceId}/${username}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

import { Stack, Token } from 'aws-cdk-lib';
import type { SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { CfnSecret, ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IConstruct } from 'constructs';
import type { DatabaseEngineFamily } from '../users/database-user-spec';
import { IamDatabaseDeclarationError } from './declaration-error';
import type { IIamAuthDatabase } from './iam-auth-database';
import { defaultPrivateSubnets } from './provisioner-network';

/** Options shared by the adapters. */
export interface IamAuthDatabaseOptions {
  /**
   * Subnets the provisioner Lambda runs in.
   * @default - the cluster's own subnets; for an instance, the VPC's isolated subnets if it has any, else its private ones
   */
  readonly vpcSubnets?: SubnetSelection;
  /**
   * The master user name, refused as a declared user name.
   * @default - read from the database: its `masterUsername` when that is a literal, else the user name of the secret
   * CDK generates for it (`Credentials.fromGeneratedSecret('admin')`, or default credentials, whose user is `admin`).
   * When neither is known (a secret made elsewhere), the provisioner checks it at deploy, before the first statement.
   */
  readonly masterUsername?: string;
}

const MASTER_SECRET_ID = 'IamAuthMasterSecret';

/** Adapters from the aws-cdk-lib database constructs to {@link IIamAuthDatabase}. */
export class IamAuthDatabase {
  /**
   * An Aurora MySQL cluster made in this app. It must have `iamAuthentication: true` and a master secret (generated
   * credentials or `manageMasterUserPassword: true`).
   */
  public static fromCluster(cluster: rds.DatabaseCluster, options: IamAuthDatabaseOptions = {}): IIamAuthDatabase {
    const cfnCluster = cluster.node.defaultChild as rds.CfnDBCluster;
    requireIamAuthentication(cluster, Stack.of(cluster).resolve(cfnCluster.enableIamDatabaseAuthentication));
    const engineType = cluster.engine?.engineType;
    if (engineType !== 'aurora-mysql') {
      throw new IamDatabaseDeclarationError(
        cluster,
        `engine ${JSON.stringify(engineType)} is not supported; use DatabaseClusterEngine.auroraMysql(...)`,
      );
    }
    return {
      resourceId: cluster.clusterResourceIdentifier,
      endpoint: cluster.clusterEndpoint.hostname,
      port: cluster.clusterEndpoint.port,
      engine: 'mysql',
      ...versionOf(cluster.engine?.engineVersion?.fullVersion),
      masterSecret: cluster.secret ?? managedMasterSecret(cluster, cfnCluster.manageMasterUserPassword, cfnCluster.attrMasterUserSecretSecretArn, cfnCluster.masterUserSecret),
      masterUsername: options.masterUsername ?? literalOrUndefined(cfnCluster.masterUsername) ?? generatedSecretUsername(cluster),
      vpc: cluster.vpc,
      vpcSubnets: options.vpcSubnets ?? cluster.vpcSubnets ?? defaultPrivateSubnets(cluster.vpc),
      connections: cluster.connections,
      stack: Stack.of(cluster),
      availability: cluster,
      displayName: cluster.node.path,
    };
  }

  /**
   * An RDS for MySQL or RDS for MariaDB instance made in this app. It must have `iamAuthentication: true` and a
   * master secret (generated credentials or `manageMasterUserPassword: true`).
   */
  public static fromInstance(instance: rds.DatabaseInstance, options: IamAuthDatabaseOptions = {}): IIamAuthDatabase {
    const cfnInstance = instance.node.defaultChild as rds.CfnDBInstance;
    // A lazy value on instances: resolve it to see what will be synthesized.
    requireIamAuthentication(instance, Stack.of(instance).resolve(cfnInstance.enableIamDatabaseAuthentication));
    const engineType = instance.engine?.engineType;
    if (engineType !== 'mysql' && engineType !== 'mariadb') {
      throw new IamDatabaseDeclarationError(
        instance,
        `engine ${JSON.stringify(engineType)} is not supported; use DatabaseInstanceEngine.mysql(...) or .mariaDb(...)`,
      );
    }
    const engine: DatabaseEngineFamily = engineType;
    return {
      // Not `instance.instanceResourceId`: without the USE_CORRECT_VALUE_FOR_INSTANCE_RESOURCE_ID_PROPERTY feature
      // flag it holds the instance ARN, which would make every rds-db:connect ARN wrong.
      resourceId: cfnInstance.attrDbiResourceId,
      endpoint: instance.instanceEndpoint.hostname,
      port: instance.instanceEndpoint.port,
      engine,
      ...versionOf(instance.engine?.engineVersion?.fullVersion),
      masterSecret: instance.secret ?? managedMasterSecret(instance, cfnInstance.manageMasterUserPassword, cfnInstance.attrMasterUserSecretSecretArn, cfnInstance.masterUserSecret),
      masterUsername: options.masterUsername ?? literalOrUndefined(cfnInstance.masterUsername) ?? generatedSecretUsername(instance),
      vpc: instance.vpc,
      vpcSubnets: options.vpcSubnets ?? defaultPrivateSubnets(instance.vpc),
      connections: instance.connections,
      stack: Stack.of(instance),
      availability: instance,
      displayName: instance.node.path,
    };
  }

  private constructor() {}
}

/** The engine version when the construct names one (an unversioned engine, `DatabaseInstanceEngine.MYSQL`, does not). */
function versionOf(fullVersion: string | undefined): { engineVersion?: string } {
  return fullVersion === undefined || Token.isUnresolved(fullVersion) ? {} : { engineVersion: fullVersion };
}

function requireIamAuthentication(database: IConstruct, enabled: unknown): void {
  if (enabled !== true) {
    throw new IamDatabaseDeclarationError(
      database,
      `iamAuthentication is ${JSON.stringify(enabled)}; set iamAuthentication: true on the database so IAM tokens are accepted`,
    );
  }
}

/** The RDS-managed master secret (`MasterUserSecret`), which CDK does not expose as `secret`. */
function managedMasterSecret(database: Construct, managed: unknown, secretArn: string, masterUserSecret: unknown): ISecret {
  if (managed !== true) {
    throw new IamDatabaseDeclarationError(
      database,
      'the database has no master secret; use credentials: Credentials.fromGeneratedSecret(...) or manageMasterUserPassword: true',
    );
  }
  const existing = database.node.tryFindChild(MASTER_SECRET_ID);
  if (existing !== undefined) return existing as ISecret;
  const kmsKeyId = typeof masterUserSecret === 'object' && masterUserSecret !== null ? (masterUserSecret as { kmsKeyId?: unknown }).kmsKeyId : undefined;
  return Secret.fromSecretAttributes(database, MASTER_SECRET_ID, {
    secretCompleteArn: secretArn,
    encryptionKey: typeof kmsKeyId === 'string' ? Key.fromKeyArn(database, `${MASTER_SECRET_ID}Key`, kmsKeyId) : undefined,
  });
}

function literalOrUndefined(value: string | undefined): string | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}

/**
 * When CDK generates the master credentials (`Credentials.fromGeneratedSecret(...)`, `fromUsername(...)` without a
 * password, or no credentials at all, whose user is `admin` for MySQL and MariaDB), the database's `masterUsername`
 * is a reference into the secret, but the secret's template holds the name as a literal: read it there.
 */
function generatedSecretUsername(database: rds.DatabaseCluster | rds.DatabaseInstance): string | undefined {
  const secret = database.node.tryFindChild('Secret');
  if (!(secret instanceof rds.DatabaseSecret)) return undefined;
  const generate: unknown = Stack.of(database).resolve((secret.node.defaultChild as CfnSecret).generateSecretString);
  const template = typeof generate === 'object' && generate !== null ? (generate as { secretStringTemplate?: unknown }).secretStringTemplate : undefined;
  if (typeof template !== 'string') return undefined;
  let username: unknown;
  try {
    username = (JSON.parse(template) as { username?: unknown } | null)?.username;
  } catch {
    return undefined;
  }
  return typeof username === 'string' && !Token.isUnresolved(username) ? username : undefined;
}

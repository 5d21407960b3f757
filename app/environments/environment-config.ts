import type { DatabaseEngineFamily, PrivilegedAccessOptIn, UserGrant, UserRemovalPolicy, WarningAcknowledgement } from '../../lib';
import type { ProxyConfig } from './proxy-config';

/**
 * The typed shape of one deployment environment: where it lives, which database it uses and who may connect.
 *
 * Plain data on purpose (no aws-cdk-lib types): the CDK app turns it into a stack, and the `rds-iam` CLI reads the
 * same declaration to know the users, the engine and the master user name without loading the CDK.
 */

/** A new VPC made for the database. */
export interface NewVpcConfig {
  /**
   * How many Availability Zones the VPC spans (at least 2: RDS subnet groups need two). The zones are the region's
   * first ones, chosen at deploy time (`Fn::GetAZs`), so synth needs no AWS lookup.
   */
  readonly maxAzs: number;
  /**
   * NAT gateways. `0` makes a VPC of isolated subnets only: no internet route at all; the provisioner then reaches
   * Secrets Manager through an interface VPC endpoint. With NAT gateways the database and the provisioner sit in
   * private subnets with egress.
   */
  readonly natGateways: number;
}

/** A new Aurora MySQL cluster (version 3, or the 8.4-compatible line) with a Serverless v2 writer. */
export interface AuroraMysqlClusterConfig {
  readonly kind: 'aurora-mysql-cluster';
  /**
   * Aurora MySQL version: `3.xx.y` for version 3, MySQL 8.0 compatible (e.g. `3.10.3`; the `8.0.mysql_aurora.` prefix
   * is added), or `8.4.y` for the MySQL 8.4-compatible line (e.g. `8.4.7`). Checked at synth.
   */
  readonly auroraVersion: string;
  /** Name of the master user; RDS keeps its password in Secrets Manager. */
  readonly masterUsername: string;
  /** Serverless v2 capacity range of the writer, in ACUs. */
  readonly serverlessV2MinCapacity: number;
  readonly serverlessV2MaxCapacity: number;
  readonly network: NewVpcConfig;
  /** Refuse deletion of the cluster until this is turned off. */
  readonly deletionProtection: boolean;
}

/** A new RDS for MySQL or RDS for MariaDB instance. */
export interface RdsInstanceConfig {
  readonly kind: 'rds-instance';
  readonly engine: DatabaseEngineFamily;
  /**
   * Full engine version: MySQL `8.0.x`, `8.4.x` or `9.7.x` (e.g. `8.4.8`), MariaDB `10.11.x`, `11.4.x` or `11.8.x`
   * (e.g. `10.11.16`). Checked at synth.
   */
  readonly engineVersion: string;
  /** Instance class without the `db.` prefix, e.g. `t4g.micro`. */
  readonly instanceType: string;
  readonly allocatedStorageGiB: number;
  readonly multiAz: boolean;
  readonly masterUsername: string;
  readonly network: NewVpcConfig;
  readonly deletionProtection: boolean;
}

/**
 * The network of a database that already exists. `Vpc.fromLookup` needs AWS credentials at synth, so the VPC is
 * described by its attributes instead and synth stays offline.
 */
export interface ExistingNetworkConfig {
  readonly vpcId: string;
  /** The Availability Zones of `subnetIds`, in the same order. */
  readonly availabilityZones: readonly string[];
  /** Subnets the provisioner Lambda runs in; they must route to the database. */
  readonly subnetIds: readonly string[];
  /**
   * The route table of each of `subnetIds`, in the same order. Nothing here adds routes, but aws-cdk-lib warns at every
   * synth when an imported subnet has no route table id.
   * @default - unknown
   */
  readonly routeTableIds?: readonly string[];
  /**
   * `private`: the subnets reach the internet through NAT, so Secrets Manager's public endpoint is reachable.
   * `isolated`: no internet route; the provisioner needs a Secrets Manager interface endpoint.
   */
  readonly subnetType: 'private' | 'isolated';
  /**
   * Create a Secrets Manager interface endpoint with private DNS in these subnets. Turn it off when the VPC already
   * has one (a second endpoint with private DNS for the same service fails to deploy).
   * @default - true for isolated subnets, false for private ones
   */
  readonly createSecretsManagerEndpoint?: boolean;
  /** Security group of the database: the stack adds one ingress rule to it, from the provisioner, on the database port. */
  readonly databaseSecurityGroupId: string;
}

/** An Aurora MySQL cluster, or an RDS for MySQL / MariaDB instance, that exists already, referenced by identifier. */
export interface ExistingDatabaseConfig {
  readonly kind: 'existing-cluster' | 'existing-instance';
  /** The DB cluster identifier (`existing-cluster`) or DB instance identifier (`existing-instance`). */
  readonly identifier: string;
  /** `mysql` for Aurora MySQL and RDS for MySQL, `mariadb` for RDS for MariaDB: decides which privileges are valid. */
  readonly engine: DatabaseEngineFamily;
  /**
   * ARN of the secret with the master user's `username` and `password`.
   * @default - the RDS-managed master secret (`MasterUserSecret`) found on the database at deploy time
   */
  readonly masterSecretArn?: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the master secret, when it is not the AWS-managed
   * `aws/secretsmanager` key; the provisioner is allowed to decrypt with it.
   * @default - the secret uses the AWS-managed key
   */
  readonly masterSecretKmsKeyArn?: string;
  /**
   * Master user name, so that no declared user can take it.
   * @default - not checked at synth; the provisioner checks it at deploy, from the master secret, before the first statement
   */
  readonly masterUsername?: string;
  /**
   * Turn IAM database authentication back off on stack deletion if it was off when the stack found the database.
   * @default false - IAM authentication stays on
   */
  readonly restoreIamAuthOnDelete?: boolean;
  readonly network: ExistingNetworkConfig;
}

export type DatabaseConfig = AuroraMysqlClusterConfig | RdsInstanceConfig | ExistingDatabaseConfig;

/** One database user, declared once. */
export interface DeclaredUserConfig {
  /** 1–32 characters of ASCII letters, digits, `_` and `$`. */
  readonly username: string;
  readonly grants: readonly UserGrant[];
  /** @default true */
  readonly requireSsl?: boolean;
  /** @default 'drop' */
  readonly removalPolicy?: UserRemovalPolicy;
  /** Take over a user of the same name that authenticates another way. @default false */
  readonly adoptExistingUser?: boolean;
  /**
   * The refused grants (system schemas, account management, `*.*` data privileges) this one user needs anyway, named
   * exactly, with the reason; shown in the synthesized template for the access review.
   * @default - none
   */
  readonly allowPrivileged?: PrivilegedAccessOptIn;
  /**
   * Names of IAM roles created in the stack (trusted by the environment's account) that may connect as this user.
   * Several users may name the same role: it is created once.
   * @default - none
   */
  readonly connectRoles?: readonly string[];
  /**
   * ARNs of existing IAM roles (in the environment's account) that may connect as this user; the stack attaches a
   * policy to each.
   * @default - none
   */
  readonly connectRoleArns?: readonly string[];
  /**
   * Broad grants kept on purpose, each with its reason (`cdk synth` warns about the others; the access review shows
   * the reasons): `[{ id: 'rds-iam-mysql:WriteOnEveryDatabase', reason: '…' }]`.
   * @default - none
   */
  readonly acknowledgeWarnings?: readonly WarningAcknowledgement[];
}

export interface EnvironmentConfig {
  /** Short name, used in the stack name (`RdsIamMysql-<name>`) and by `-c env=<name>`. */
  readonly name: string;
  /** 12-digit AWS account id. */
  readonly account: string;
  readonly region: string;
  readonly database: DatabaseConfig;
  readonly users: readonly DeclaredUserConfig[];
  /**
   * An RDS Proxy in front of the database with end-to-end IAM authentication, carrying some of `users`.
   * @default - no proxy
   */
  readonly proxy?: ProxyConfig;
}

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { FlowLogDestination, InstanceType, SubnetConfiguration, SubnetSelection, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { auroraMysqlEngineVersion, instanceEngineVersion } from '../environments/engine-versions';
import { IamAuthDatabase } from '../../lib';
import type { IIamAuthDatabase } from '../../lib';
import type { AuroraMysqlClusterConfig, NewVpcConfig, RdsInstanceConfig } from '../environments/environment-config';

/** A database this stack creates, with the VPC made for it. */
export interface NewDatabase {
  readonly database: IIamAuthDatabase;
  readonly vpc: Vpc;
  readonly construct: rds.DatabaseCluster | rds.DatabaseInstance;
}

const LOG_RETENTION = RetentionDays.ONE_MONTH;
const BACKUP_RETENTION = Duration.days(7);

/** A VPC for one database: isolated subnets only without NAT gateways, public + private-with-egress with them. */
export function newDatabaseVpc(scope: Construct, config: NewVpcConfig): { vpc: Vpc; databaseSubnets: SubnetSelection } {
  const isolated = config.natGateways === 0;
  const subnetConfiguration: SubnetConfiguration[] = isolated
    ? [{ name: 'database', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }]
    : [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'database', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ];
  const vpc = new Vpc(scope, 'Vpc', {
    maxAzs: config.maxAzs,
    natGateways: config.natGateways,
    subnetConfiguration,
    flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs() } },
  });
  return { vpc, databaseSubnets: { subnetGroupName: 'database' } };
}

/**
 * What every database this stack creates has in common: IAM authentication on, and a master password that RDS
 * generates, keeps in Secrets Manager and rotates, so it never passes through the template.
 */
function commonDatabaseProps(
  config: AuroraMysqlClusterConfig | RdsInstanceConfig,
  vpc: Vpc,
  databaseSubnets: SubnetSelection,
) {
  return {
    vpc,
    vpcSubnets: databaseSubnets,
    iamAuthentication: true,
    credentials: rds.Credentials.fromUsername(config.masterUsername),
    manageMasterUserPassword: true,
    storageEncrypted: true,
    deletionProtection: config.deletionProtection,
    removalPolicy: config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT,
  };
}

/** A new Aurora MySQL 3 cluster with a Serverless v2 writer, IAM authentication on, master password kept by RDS. */
export function newAuroraMysqlCluster(scope: Construct, config: AuroraMysqlClusterConfig): NewDatabase {
  const version = auroraMysqlEngineVersion(config.auroraVersion);
  const { vpc, databaseSubnets } = newDatabaseVpc(scope, config.network);
  const cluster = new rds.DatabaseCluster(scope, 'Database', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.of(version.engineVersion, version.majorVersion) }),
    writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
    serverlessV2MinCapacity: config.serverlessV2MinCapacity,
    serverlessV2MaxCapacity: config.serverlessV2MaxCapacity,
    ...commonDatabaseProps(config, vpc, databaseSubnets),
    backup: { retention: BACKUP_RETENTION },
    cloudwatchLogsExports: ['error', 'slowquery', 'audit'],
    cloudwatchLogsRetention: LOG_RETENTION,
  });
  const database = IamAuthDatabase.fromCluster(cluster, { vpcSubnets: databaseSubnets, masterUsername: config.masterUsername });
  return { database, vpc, construct: cluster };
}

/** A new RDS for MySQL or MariaDB instance, IAM authentication on, master password kept by RDS. */
export function newRdsInstance(scope: Construct, config: RdsInstanceConfig): NewDatabase {
  const { vpc, databaseSubnets } = newDatabaseVpc(scope, config.network);
  const { engineVersion, majorVersion } = instanceEngineVersion(config.engine, config.engineVersion);
  const engine =
    config.engine === 'mysql'
      ? rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.of(engineVersion, majorVersion) })
      : rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.of(engineVersion, majorVersion) });
  const instance = new rds.DatabaseInstance(scope, 'Database', {
    engine,
    instanceType: new InstanceType(config.instanceType),
    allocatedStorage: config.allocatedStorageGiB,
    multiAz: config.multiAz,
    ...commonDatabaseProps(config, vpc, databaseSubnets),
    backupRetention: BACKUP_RETENTION,
    cloudwatchLogsExports: ['error', 'slowquery'],
    cloudwatchLogsRetention: LOG_RETENTION,
  });
  const database = IamAuthDatabase.fromInstance(instance, { vpcSubnets: databaseSubnets, masterUsername: config.masterUsername });
  return { database, vpc, construct: instance };
}


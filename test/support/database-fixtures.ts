import { App, Stack } from 'aws-cdk-lib';
import { InstanceType, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseUserProvisioner, DatabaseUserProvisionerProps } from '../../lib/constructs/database-user-provisioner';
import type { IIamAuthDatabase } from '../../lib/constructs/iam-auth-database';
import { IamAuthDatabase } from '../../lib/constructs/iam-auth-database-adapters';
import { CDK_JSON_CONTEXT } from './cdk-json-context';
import { SKIP_BUNDLING_CONTEXT, TEST_APP_PROPS } from './synth-stacks';

/** Small stacks with one database each, for construct tests. Bundling is skipped unless asked for. */

export interface DatabaseFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: Vpc;
  readonly database: IIamAuthDatabase;
  readonly provisioner: DatabaseUserProvisioner;
}

export type FixtureKind = 'aurora-mysql' | 'mysql-instance' | 'mariadb-instance';

export interface FixtureOptions {
  readonly kind?: FixtureKind;
  /** Isolated subnets only (no NAT) or private subnets with a NAT gateway. @default 'isolated' */
  readonly subnets?: 'isolated' | 'private';
  readonly bundle?: boolean;
  readonly provisioner?: Partial<DatabaseUserProvisionerProps>;
  /** Where `app.synth()` writes the cloud assembly. @default - a temporary directory */
  readonly outdir?: string;
}

export function databaseFixture(options: FixtureOptions = {}): DatabaseFixture {
  const app = new App({ ...TEST_APP_PROPS, outdir: options.outdir, context: options.bundle === true ? CDK_JSON_CONTEXT : SKIP_BUNDLING_CONTEXT });
  const stack = new Stack(app, 'Fixture', { env: { account: '123456789012', region: 'us-east-1' } });
  const isolated = (options.subnets ?? 'isolated') === 'isolated';
  const vpc = new Vpc(stack, 'Vpc', {
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: isolated ? 0 : 1,
    subnetConfiguration: isolated
      ? [{ name: 'db', subnetType: SubnetType.PRIVATE_ISOLATED }]
      : [{ name: 'public', subnetType: SubnetType.PUBLIC }, { name: 'db', subnetType: SubnetType.PRIVATE_WITH_EGRESS }],
  });
  const vpcSubnets = { subnetGroupName: 'db' };
  const common = {
    vpc,
    vpcSubnets,
    iamAuthentication: true,
    credentials: rds.Credentials.fromUsername('admin'),
    manageMasterUserPassword: true,
  };
  let database: IIamAuthDatabase;
  switch (options.kind ?? 'aurora-mysql') {
    case 'aurora-mysql':
      database = IamAuthDatabase.fromCluster(
        new rds.DatabaseCluster(stack, 'Database', {
          ...common,
          engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_10_3 }),
          writer: rds.ClusterInstance.serverlessV2('Writer'),
        }),
      );
      break;
    case 'mysql-instance':
      database = IamAuthDatabase.fromInstance(
        new rds.DatabaseInstance(stack, 'Database', {
          ...common,
          engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_46 }),
          instanceType: new InstanceType('t4g.micro'),
        }),
        { vpcSubnets },
      );
      break;
    case 'mariadb-instance':
      database = IamAuthDatabase.fromInstance(
        new rds.DatabaseInstance(stack, 'Database', {
          ...common,
          engine: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_11_16 }),
          instanceType: new InstanceType('t4g.micro'),
        }),
        { vpcSubnets },
      );
      break;
  }
  const provisioner = new DatabaseUserProvisioner(stack, 'Provisioner', { database, ...options.provisioner });
  return { app, stack, vpc, database, provisioner };
}

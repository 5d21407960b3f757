/**
 * The CDK app of the consumer test, written into a fresh folder: a platform team's own stacks using every public
 * construct of the installed package, and nothing of this repository's app.
 */
export const CONSUMER_APP_SOURCE = `
import { App, Stack } from 'aws-cdk-lib';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseUserProvisioner, ExistingIamAuthDatabase, IamAuthDatabase, IamDatabaseUser, nameStackEnvironment } from 'rds-iam-mysql';

const app = new App();
const env = { account: '111111111111', region: 'eu-west-1' };

function isolatedVpc(stack: Stack): Vpc {
  return new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: SubnetType.PRIVATE_ISOLATED }] });
}

// A new Aurora MySQL cluster with two users, one of them granted to a role.
const orders = new Stack(app, 'Orders', { env });
// So \`rds-iam plan --env orders-dev\` finds this stack in cdk.out.
nameStackEnvironment(orders, 'orders-dev');
const ordersVpc = isolatedVpc(orders);
const cluster = new rds.DatabaseCluster(orders, 'Database', {
  engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 }),
  writer: rds.ClusterInstance.serverlessV2('Writer'),
  vpc: ordersVpc,
  vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
  iamAuthentication: true,
});
const ordersUsers = new DatabaseUserProvisioner(orders, 'Users', { database: IamAuthDatabase.fromCluster(cluster) });
const api = new Role(orders, 'Api', { assumedBy: new AccountRootPrincipal() });
new IamDatabaseUser(orders, 'ApiUser', { provisioner: ordersUsers, username: 'orders_api', grants: [{ privileges: ['SELECT', 'INSERT'], on: 'orders.*' }] })
  .grantConnect(api);
new IamDatabaseUser(orders, 'Reporting', { provisioner: ordersUsers, username: 'orders_report', grants: [{ privileges: ['SELECT'], on: 'orders.*' }] });

// A new RDS for MariaDB instance.
const billing = new Stack(app, 'Billing', { env });
const billingVpc = isolatedVpc(billing);
const instance = new rds.DatabaseInstance(billing, 'Database', {
  engine: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_11 }),
  vpc: billingVpc,
  vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
  iamAuthentication: true,
});
// Its user set travels in an S3 object (a file asset), as a large one would.
const billingUsers = new DatabaseUserProvisioner(billing, 'Users', { database: IamAuthDatabase.fromInstance(instance), userSetDelivery: 'object' });
new IamDatabaseUser(billing, 'Invoicing', { provisioner: billingUsers, username: 'invoicing', grants: [{ privileges: ['SELECT', 'UPDATE'], on: 'billing.invoices' }] });

// A cluster the stack did not create, found by its identifier.
const legacy = new Stack(app, 'Legacy', { env });
const legacyVpc = Vpc.fromVpcAttributes(legacy, 'Vpc', {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  isolatedSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69780'],
  isolatedSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60718', 'rtb-0f1e2d3c4b5a69780'],
});
const existing = new ExistingIamAuthDatabase(legacy, 'Database', {
  clusterIdentifier: 'legacy-orders',
  vpc: legacyVpc,
  securityGroups: [SecurityGroup.fromSecurityGroupId(legacy, 'DatabaseSecurityGroup', 'sg-0a1b2c3d4e5f60718')],
});
const legacyUsers = new DatabaseUserProvisioner(legacy, 'Users', { database: existing });
new IamDatabaseUser(legacy, 'Migrator', { provisioner: legacyUsers, username: 'migrator', grants: [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'INDEX'], on: 'legacy.*' }] });

app.synth();
`;

export const CONSUMER_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, outDir: 'build', types: ['node'] },
  include: ['app.ts'],
};

/** What `cdk synth` reads from cdk.context.json after its first lookup: the region's availability zones. */
export const CONSUMER_CDK_CONTEXT = {
  'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
};

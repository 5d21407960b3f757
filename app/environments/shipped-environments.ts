// The library's module, not its barrel: the CLI reads the environments and must not load aws-cdk-lib.
import { BroadGrantRuleId } from '../../lib/review/broad-grant-rules';
import type { UserGrant } from '../../lib';
import type { EnvironmentConfig } from './environment-config';

/**
 * The environments this repository deploys. Edit this file to add users or environments.
 *
 * PLACEHOLDERS: the account ids (111111111111, 222222222222, 333333333333) and every id of the `prod` network
 * (vpc-…, subnet-…, sg-…) are examples; replace them with your own before deploying.
 */

/**
 * The application user's grant: data and schema changes on the application's database. (It used to be on `*.*`,
 * which also covers the mysql schema, and so the master user's password hash; the validation now refuses that.)
 */
const APPLICATION_GRANT: UserGrant = { privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'], on: 'orders.*' };

const dev: EnvironmentConfig = {
  name: 'dev',
  account: '111111111111',
  region: 'eu-west-1',
  database: {
    kind: 'aurora-mysql-cluster',
    // 3.10 is the Aurora MySQL 3 long-term-support line.
    auroraVersion: '3.10.3',
    masterUsername: 'admin',
    serverlessV2MinCapacity: 0.5,
    serverlessV2MaxCapacity: 2,
    network: { maxAzs: 2, natGateways: 0 },
    deletionProtection: false,
  },
  users: [
    { username: 'app_rw', grants: [APPLICATION_GRANT], connectRoles: ['OrdersApi'] },
    { username: 'reporting_ro', grants: [{ privileges: ['SELECT', 'SHOW VIEW'], on: 'orders.*' }], connectRoles: ['Analyst'] },
    {
      username: 'migrator',
      grants: [{ privileges: ['ALL'], on: 'orders.*' }],
      removalPolicy: 'retain',
      connectRoles: ['OrdersApi'],
      acknowledgeWarnings: [
        { id: BroadGrantRuleId.AllPrivileges, reason: 'runs the schema migrations of the orders database, which create, alter and drop its tables' },
      ],
    },
  ],
  // The API reaches the database through RDS Proxy, signing its tokens for the proxy endpoint.
  proxy: { name: 'orders-dev-proxy', users: [{ username: 'app_rw', connectRoles: ['OrdersApi'] }] },
};

const staging: EnvironmentConfig = {
  name: 'staging',
  account: '222222222222',
  region: 'eu-west-1',
  database: {
    kind: 'rds-instance',
    engine: 'mysql',
    // 8.4 LTS: 8.0 is in paid extended support from 2026-08-01.
    engineVersion: '8.4.8',
    instanceType: 't4g.micro',
    allocatedStorageGiB: 20,
    multiAz: false,
    masterUsername: 'admin',
    network: { maxAzs: 2, natGateways: 1 },
    deletionProtection: true,
  },
  users: [
    { username: 'app_rw', grants: [APPLICATION_GRANT], connectRoles: ['OrdersApi'] },
    {
      username: 'reporting_ro',
      grants: [{ privileges: ['SELECT'], on: 'orders.*' }, { privileges: ['SELECT'], on: 'audit.*' }],
      connectRoles: ['Analyst'],
    },
  ],
};

const prod: EnvironmentConfig = {
  name: 'prod',
  account: '333333333333',
  region: 'eu-west-1',
  database: {
    kind: 'existing-cluster',
    identifier: 'orders-prod',
    engine: 'mysql',
    masterUsername: 'admin',
    network: {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      routeTableIds: ['rtb-0a1b2c3d4e5f60001', 'rtb-0a1b2c3d4e5f60002'],
      subnetType: 'isolated',
      databaseSecurityGroupId: 'sg-0a1b2c3d4e5f60718',
    },
  },
  users: [
    {
      username: 'app_rw',
      grants: [APPLICATION_GRANT],
      removalPolicy: 'retain',
      adoptExistingUser: true,
      connectRoleArns: ['arn:aws:iam::333333333333:role/orders-api'],
    },
    { username: 'reporting_ro', grants: [{ privileges: ['SELECT'], on: 'orders.*' }], connectRoles: ['Analyst'] },
  ],
};

export const SHIPPED_ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, prod];

import { Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseUserProvisioner } from '../../lib/constructs/database-user-provisioner';
import { IamAuthDatabaseProxy, IamAuthDatabaseProxyProps } from '../../lib/constructs/iam-auth-database-proxy';
import { IamAuthDatabase } from '../../lib/constructs/iam-auth-database-adapters';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import { databaseFixture, DatabaseFixture, FixtureKind } from '../support/database-fixtures';
import { declarationError } from '../support/declaration-error';
import { egressRules, onlyResourceOfType, policyStatements, renderedDbUserArn, resourcesOf, resourcesOfType } from '../support/template-queries';

const ORDERS_WRITE = [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], on: 'orders.*' }];

/** The proxy-side resource id as CloudFormation computes it: the last `:` field of the proxy ARN (`prx-…`). */
function proxyResourceIdOf(proxyLogicalId: string): unknown {
  return { 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': [proxyLogicalId, 'DBProxyArn'] }] }] };
}

function proxyFixture(kind: FixtureKind = 'aurora-mysql', props: Partial<IamAuthDatabaseProxyProps> = {}) {
  const fixture = databaseFixture({ kind });
  const { stack, provisioner } = fixture;
  const target = stack.node.findChild('Database') as rds.DatabaseCluster | rds.DatabaseInstance;
  const appUser = new IamDatabaseUser(stack, 'AppUser', { provisioner, username: 'app_rw', grants: ORDERS_WRITE });
  const proxy = new IamAuthDatabaseProxy(stack, 'Proxy', { provisioner, target, dbProxyName: 'orders-proxy', ...props });
  return { ...fixture, target, appUser, proxy };
}

function roleLogicalId(template: Template, pathPart: string): string {
  return resourcesOfType(template, 'AWS::IAM::Role').find((role) => role.logicalId.startsWith(pathPart))!.logicalId;
}

/** Every rds-db:connect resource of the policies attached to one role. */
function connectResourcesOf(template: Template, roleId: string): unknown[] {
  return policyStatements(template)
    .filter(({ roles, statement }) => JSON.stringify(roles) === JSON.stringify([{ Ref: roleId }]) && statement.Action === 'rds-db:connect')
    .flatMap(({ statement }) => resourcesOf(statement));
}

describe('IamAuthDatabaseProxy', () => {
  it('is an RDS Proxy with end-to-end IAM authentication and TLS required, no secret, in the database subnets', () => {
    // Prepare
    const { stack, proxy, appUser } = proxyFixture();
    proxy.addUser(appUser);

    // Act
    const template = Template.fromStack(stack);

    // Assess
    const dbProxy = onlyResourceOfType(template, 'AWS::RDS::DBProxy');
    expect(dbProxy.properties).toMatchObject({
      DBProxyName: 'orders-proxy',
      DefaultAuthScheme: 'IAM_AUTH',
      RequireTLS: true,
      EngineFamily: 'MYSQL',
      DebugLogging: false,
      RoleArn: { 'Fn::GetAtt': [roleLogicalId(template, 'ProxyRole'), 'Arn'] },
    });
    expect(dbProxy.properties.Auth).toBeUndefined();
    expect(dbProxy.properties.VpcSubnetIds).toEqual(expect.arrayContaining([expect.objectContaining({ Ref: expect.stringMatching(/^VpcdbSubnet1/) })]));
    expect((dbProxy.properties.VpcSubnetIds as unknown[]).length).toBe(2);
    const proxyRole = roleLogicalId(template, 'ProxyRole');
    const proxyRoleActions = policyStatements(template)
      .filter(({ roles }) => JSON.stringify(roles).includes(proxyRole))
      .flatMap(({ statement }) => ([] as string[]).concat(statement.Action));
    expect(new Set(proxyRoleActions)).toEqual(new Set(['rds-db:connect'])); // no secret to read
    expect(stack.resolve(proxy.endpoint)).toEqual({ 'Fn::GetAtt': [dbProxy.logicalId, 'Endpoint'] });
    expect(stack.resolve(proxy.dbProxyName)).toEqual({ Ref: dbProxy.logicalId });
    const trust = resourcesOfType(template, 'AWS::IAM::Role').find((role) => role.logicalId === proxyRole)!.properties.AssumeRolePolicyDocument;
    expect(JSON.stringify(trust)).toContain('"Service":"rds.amazonaws.com"');
  });

  it.each<[FixtureKind, string]>([
    ['aurora-mysql', 'DBClusterResourceId'],
    ['mysql-instance', 'DbiResourceId'],
    ['mariadb-instance', 'DbiResourceId'],
  ])('on %s, lets the proxy role connect as each carried user on the database-side ARN, and only those', (kind, attribute) => {
    // Prepare
    const { stack, provisioner, proxy, appUser } = proxyFixture(kind);
    const reporting = new IamDatabaseUser(stack, 'Reporting', { provisioner, username: 'reporting_ro', grants: [{ privileges: ['SELECT'], on: 'orders.*' }] });
    new IamDatabaseUser(stack, 'Migrator', { provisioner, username: 'migrator', grants: [{ privileges: ['ALL'], on: 'orders.*' }] });
    proxy.addUser(appUser);
    proxy.addUser(reporting);
    proxy.addUser(appUser); // twice: listed once

    // Act
    const template = Template.fromStack(stack);

    // Assess
    const database = resourcesOfType(template, kind === 'aurora-mysql' ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance')[0];
    const resourceId = { 'Fn::GetAtt': [database.logicalId, attribute] };
    expect(connectResourcesOf(template, roleLogicalId(template, 'ProxyRole'))).toEqual([
      renderedDbUserArn('us-east-1', '123456789012', resourceId, 'app_rw'),
      renderedDbUserArn('us-east-1', '123456789012', resourceId, 'reporting_ro'),
    ]);
    expect(proxy.users.map((user) => user.username)).toEqual(['app_rw', 'reporting_ro']);
  });

  it("grants a client role rds-db:connect on the proxy-side ARN (prx-… from the proxy ARN) of that user only, and carries the user", () => {
    // Prepare
    const { stack, proxy, appUser } = proxyFixture();
    const api = new Role(stack, 'OrdersApi', { assumedBy: new AccountRootPrincipal() });

    // Act
    proxy.grantConnect(api, appUser);
    const template = Template.fromStack(stack);

    // Assess
    const proxyId = onlyResourceOfType(template, 'AWS::RDS::DBProxy').logicalId;
    expect(connectResourcesOf(template, roleLogicalId(template, 'OrdersApi'))).toEqual([
      renderedDbUserArn('us-east-1', '123456789012', proxyResourceIdOf(proxyId), 'app_rw'),
    ]);
    expect(stack.resolve(proxy.connectArn(appUser))).toEqual(renderedDbUserArn('us-east-1', '123456789012', proxyResourceIdOf(proxyId), 'app_rw'));
    const cluster = onlyResourceOfType(template, 'AWS::RDS::DBCluster').logicalId;
    expect(connectResourcesOf(template, roleLogicalId(template, 'ProxyRole'))).toEqual([
      renderedDbUserArn('us-east-1', '123456789012', { 'Fn::GetAtt': [cluster, 'DBClusterResourceId'] }, 'app_rw'),
    ]);
    expect(JSON.stringify(template.toJSON().Resources)).not.toMatch(/dbuser:[^"]*\*|"\*"/);
  });

  it('lets the proxy reach the database port only, and clients reach the proxy port when allowed', () => {
    // Prepare
    const { stack, vpc, proxy } = proxyFixture();
    const client = new SecurityGroup(stack, 'ApiGroup', { vpc, allowAllOutbound: false });

    // Act
    proxy.connections.allowDefaultPortFrom(client);
    const template = Template.fromStack(stack);

    // Assess
    const dbProxy = onlyResourceOfType(template, 'AWS::RDS::DBProxy');
    const proxyGroup = (dbProxy.properties.VpcSecurityGroupIds as [{ 'Fn::GetAtt': [string] }])[0]['Fn::GetAtt'][0];
    const cluster = onlyResourceOfType(template, 'AWS::RDS::DBCluster').logicalId;
    const databasePort = { 'Fn::GetAtt': [cluster, 'Endpoint.Port'] };
    expect(egressRules(template, proxyGroup)).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: databasePort, ToPort: databasePort, DestinationSecurityGroupId: expect.anything() }),
    ]);
    const intoProxy = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').filter(
      (rule) => JSON.stringify(rule.properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [proxyGroup, 'GroupId'] }),
    );
    expect(intoProxy.map((rule) => [rule.properties.FromPort, rule.properties.ToPort, rule.properties.SourceSecurityGroupId])).toEqual([
      [3306, 3306, { 'Fn::GetAtt': [resourcesOfType(template, 'AWS::EC2::SecurityGroup').find((group) => group.logicalId.startsWith('ApiGroup'))!.logicalId, 'GroupId'] }],
    ]);
  });

  it('waits for the users to be provisioned before the proxy exists', () => {
    const { stack } = proxyFixture();
    const template = Template.fromStack(stack);
    const users = onlyResourceOfType(template, 'Custom::RdsIamDatabaseUsers').logicalId;
    expect(onlyResourceOfType(template, 'AWS::RDS::DBProxy').dependsOn).toContain(users);
  });

  describe('refuses at synth what a proxy cannot carry, naming the property, the value and the fix', () => {
    it.each([
      ['orders--proxy', /not a DB proxy name/],
      ['1orders', /not a DB proxy name/],
      ['orders-', /not a DB proxy name/],
      ['orders_proxy', /not a DB proxy name/],
      ['o'.repeat(64), /64 characters long; RDS allows at most 63/],
    ])('dbProxyName %j', (dbProxyName, reason) => {
      const fixture = databaseFixture();
      const target = fixture.stack.node.findChild('Database') as rds.DatabaseCluster;

      const error = declarationError(() => new IamAuthDatabaseProxy(fixture.stack, 'Proxy', { provisioner: fixture.provisioner, target, dbProxyName }));

      expect(error.message).toContain('Fixture/Proxy: this RDS Proxy cannot front Fixture/Database');
      expect(error.message).toContain('dbProxyName: ');
      expect(error.message).toMatch(reason);
      expect(error.message.length).toBeLessThan(600);
    });

    it('a target that is another database than the provisioner’s', () => {
      const { stack, vpc, provisioner } = databaseFixture();
      const other = new rds.DatabaseCluster(stack, 'Other', {
        engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_10_3 }),
        writer: rds.ClusterInstance.serverlessV2('Writer'),
        vpc,
        vpcSubnets: { subnetGroupName: 'db' },
        iamAuthentication: true,
      });

      const error = declarationError(() => new IamAuthDatabaseProxy(stack, 'Proxy', { provisioner, target: other, dbProxyName: 'orders-proxy' }));

      expect(error.message).toMatch(/target: Fixture\/Other \(resource id .*DBClusterResourceId.*\) is not the provisioner's database Fixture\/Database/);
    });

    it.each<[string, (fixture: DatabaseFixture) => rds.IDatabaseCluster | rds.IDatabaseInstance, RegExp]>([
      [
        'an Aurora PostgreSQL engine (engine family POSTGRESQL)',
        ({ stack, database }) => rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Imported', {
          clusterIdentifier: 'orders', clusterResourceIdentifier: database.resourceId,
          engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
        }),
        /engine family "POSTGRESQL" of Fixture\/Imported cannot carry IAM MySQL users/,
      ],
      [
        'an import without an engine',
        ({ stack, database }) => rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Imported', { clusterIdentifier: 'orders', clusterResourceIdentifier: database.resourceId }),
        /has no engine, so the proxy's engine family is unknown; import it with `engine:`/,
      ],
      [
        'an import without its resource id',
        ({ stack }) => rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Imported', {
          clusterIdentifier: 'orders', engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_10_3 }),
        }),
        /imported without its resource id.*clusterResourceIdentifier/,
      ],
      [
        'a MariaDB engine in front of MySQL users',
        ({ stack, database }) => rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Imported', {
          instanceIdentifier: 'orders', instanceEndpointAddress: 'orders.c9akciq32xyz.us-east-1.rds.amazonaws.com', port: 3306,
          securityGroups: [], instanceResourceId: database.resourceId,
          engine: rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_11_16 }),
        }),
        /instance engine "mariadb" does not match the provisioner's database \(mysql users/,
      ],
    ])('%s', (_label, importTarget, reason) => {
      const fixture = databaseFixture({ kind: 'mysql-instance' });
      const target = importTarget(fixture);

      const error = declarationError(() => new IamAuthDatabaseProxy(fixture.stack, 'Proxy', { provisioner: fixture.provisioner, target, dbProxyName: 'orders-proxy' }));

      expect(error.message).toMatch(reason);
    });

    it('subnets in one Availability Zone', () => {
      const error = declarationError(() => proxyFixture('aurora-mysql', { vpcSubnets: { subnetGroupName: 'db', availabilityZones: ['us-east-1a'] } }));
      expect(error.message).toContain('vpcSubnets select subnets in 1 Availability Zone(s); RDS Proxy needs subnets in at least two');
    });

    it('a user of another database', () => {
      const { stack, proxy } = proxyFixture();
      const otherCluster = new rds.DatabaseCluster(stack, 'Other', {
        engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_10_3 }),
        writer: rds.ClusterInstance.serverlessV2('Writer'),
        vpc: proxy.database.vpc,
        vpcSubnets: { subnetGroupName: 'db' },
        iamAuthentication: true,
        manageMasterUserPassword: true,
      });
      const otherProvisioner = new DatabaseUserProvisioner(stack, 'OtherUsers', { database: IamAuthDatabase.fromCluster(otherCluster) });
      const stranger = new IamDatabaseUser(stack, 'Stranger', { provisioner: otherProvisioner, username: 'stranger', grants: ORDERS_WRITE });
      const api = new Role(stack, 'OrdersApi', { assumedBy: new AccountRootPrincipal() });

      const error = declarationError(() => proxy.grantConnect(api, stranger));

      expect(error.message).toContain('Fixture/Stranger: user "stranger" lives in Fixture/Other, but proxy Fixture/Proxy fronts Fixture/Database');
      expect(proxy.users).toEqual([]);
    });
  });
});

import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import { IamDatabaseUser, IamDatabaseUserProps } from '../../lib/constructs/iam-database-user';
import { decodeUserSpecs, ProvisionerProperty } from '../../lib/provisioning/provisioner-properties';
import { databaseFixture } from '../support/database-fixtures';
import { onlyResourceOfType, policyStatements, renderedDbUserArn, resourcesOf } from '../support/template-queries';
import { declarationError } from '../support/declaration-error';

const APPLICATION_GRANT = { privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'], on: '*.*' };

describe('IamDatabaseUser', () => {
  describe('refuses hostile or invalid input at synth, naming the construct, the field and the value', () => {
    const hostileUsernames: readonly string[] = [
      "app'; DROP USER root; --",
      "o'brien",
      'app`x',
      'app"x',
      'app\nuser',
      'app\r\n',
      'app\u0000',
      'app user',
      'app%',
      'app@localhost',
      'app.user',
      'app-user',
      'a'.repeat(33),
      '',
      '\u0430pp', // Cyrillic "а" that looks like a Latin "a"
      '\uff41pp', // fullwidth "ａ"
      'app\u200b', // zero-width space
      'root',
      'ROOT',
      'rdsadmin',
      'rdsrepladmin',
      'mysql.sys',
      'mysql.session',
      'admin', // the fixture's master user
    ];

    it.each(hostileUsernames.map((username) => [JSON.stringify(username), username]))('username %s', (_label, username) => {
      // Prepare
      const { stack, provisioner } = databaseFixture();

      // Act
      const error = declarationError(() => new IamDatabaseUser(stack, 'User', { provisioner, username, grants: [APPLICATION_GRANT] }));

      // Assess
      expect(error.code).toBe('RDS_IAM_INVALID_DECLARATION');
      expect(error.message).toContain('Fixture/User');
      expect(error.message).toContain(`username = ${JSON.stringify(username)}`);
      expect(provisioner.userSpecs).toEqual([]);
    });

    const hostileGrants: ReadonlyArray<readonly [string, IamDatabaseUserProps['grants'], string]> = [
      ['a quote in the database name', [{ privileges: ['SELECT'], on: "orders'.*" }], 'grants[0].on'],
      ['a backtick in the table name', [{ privileges: ['SELECT'], on: 'orders.t`x' }], 'grants[0].on'],
      ['a statement after the target', [{ privileges: ['SELECT'], on: 'orders.*; DROP USER root' }], 'grants[0].on'],
      ['a newline in the target', [{ privileges: ['SELECT'], on: 'orders\n.*' }], 'grants[0].on'],
      ['a three-part target', [{ privileges: ['SELECT'], on: 'a.b.c' }], 'grants[0].on'],
      ['a wildcard database name', [{ privileges: ['SELECT'], on: 'ord%.*' }], 'grants[0].on'],
      ['a statement in a privilege', [{ privileges: ['SELECT; DROP USER root'], on: '*.*' }], 'grants[0].privileges'],
      ['SUPER', [{ privileges: ['SUPER'], on: '*.*' }], 'grants[0].privileges'],
      ['FILE', [{ privileges: ['FILE'], on: '*.*' }], 'grants[0].privileges'],
      ['SHUTDOWN', [{ privileges: ['SHUTDOWN'], on: '*.*' }], 'grants[0].privileges'],
      ['a global-only privilege on db.*', [{ privileges: ['PROCESS'], on: 'orders.*' }], 'grants[0].privileges'],
      ['a MariaDB-only privilege on MySQL', [{ privileges: ['DELETE HISTORY'], on: 'orders.*' }], 'grants[0].privileges'],
      ['ALL on *.*', [{ privileges: ['ALL'], on: '*.*' }], 'grants[0].privileges'],
      ['no privileges', [{ privileges: [], on: 'orders.*' }], 'grants[0].privileges'],
    ];

    it.each(hostileGrants)('grant with %s', (_label, grants, field) => {
      const { stack, provisioner } = databaseFixture();
      const error = declarationError(() => new IamDatabaseUser(stack, 'User', { provisioner, username: 'app_rw', grants }));
      expect(error.message).toContain(`${field} = `);
      expect(provisioner.userSpecs).toEqual([]);
    });

    it('lists every problem of one declaration at once', () => {
      const { stack, provisioner } = databaseFixture();
      const error = declarationError(
        () => new IamDatabaseUser(stack, 'User', { provisioner, username: 'root', grants: [{ privileges: ['SUPER'], on: 'x`.*' }] }),
      );
      expect(error.message).toContain('username = "root"');
      expect(error.message).toContain('grants[0].on = "x`.*"');
    });

    it('refuses a user name declared twice on one database, naming both declarations', () => {
      const { stack, provisioner } = databaseFixture();
      new IamDatabaseUser(stack, 'First', { provisioner, username: 'app_rw', grants: [APPLICATION_GRANT] });
      const error = declarationError(() => new IamDatabaseUser(stack, 'Second', { provisioner, username: 'app_rw', grants: [APPLICATION_GRANT] }));
      expect(error.message).toContain('Fixture/Second');
      expect(error.message).toContain('Fixture/First');
      expect(error.message).toContain('"app_rw"');
    });

    it('refuses a removal policy it cannot honour', () => {
      const { stack, provisioner } = databaseFixture();
      const error = declarationError(
        () => new IamDatabaseUser(stack, 'User', { provisioner, username: 'app_rw', grants: [APPLICATION_GRANT], removalPolicy: RemovalPolicy.SNAPSHOT }),
      );
      expect(error.message).toContain('removalPolicy "snapshot"');
    });
  });

  it('validates privileges against the engine: MariaDB spells REPLICATION CLIENT as BINLOG MONITOR', () => {
    const { stack, provisioner } = databaseFixture({ kind: 'mariadb-instance' });
    new IamDatabaseUser(stack, 'User', { provisioner, username: 'monitor', grants: [{ privileges: ['replication client'], on: '*.*' }] });
    const users = decodeUserSpecs(onlyResourceOfType(Template.fromStack(stack), PROVISIONER_RESOURCE_TYPE).properties[ProvisionerProperty.Users]);
    expect(users).toEqual([
      { username: 'monitor', grants: [{ on: '*.*', privileges: ['BINLOG MONITOR'] }], requireSsl: true, removalPolicy: 'drop', adoptExistingUser: false },
    ]);
  });

  it('maps RemovalPolicy.RETAIN to retain and sends requireSsl and adoption as declared', () => {
    const { stack, provisioner } = databaseFixture();
    new IamDatabaseUser(stack, 'User', {
      provisioner,
      username: 'legacy',
      grants: [{ privileges: ['select'], on: 'orders.*' }],
      requireSsl: false,
      removalPolicy: RemovalPolicy.RETAIN,
      adoptExistingUser: true,
    });
    const users = decodeUserSpecs(onlyResourceOfType(Template.fromStack(stack), PROVISIONER_RESOURCE_TYPE).properties[ProvisionerProperty.Users]);
    expect(users).toEqual([
      { username: 'legacy', grants: [{ on: 'orders.*', privileges: ['SELECT'] }], requireSsl: false, removalPolicy: 'retain', adoptExistingUser: true },
    ]);
  });

  describe('grantConnect', () => {
    it('allows rds-db:connect on the cluster resource id and the user name, nothing wider', () => {
      const { stack, provisioner } = databaseFixture({ kind: 'aurora-mysql' });
      const role = new Role(stack, 'AppRole', { assumedBy: new AccountRootPrincipal() });
      const user = new IamDatabaseUser(stack, 'User', { provisioner, username: 'app_rw', grants: [APPLICATION_GRANT] });
      user.grantConnect(role);

      const template = Template.fromStack(stack);
      const clusterId = onlyResourceOfType(template, 'AWS::RDS::DBCluster').logicalId;
      const connect = policyStatements(template).filter(({ statement }) => statement.Action === 'rds-db:connect');
      expect(connect).toHaveLength(1);
      expect(resourcesOf(connect[0].statement)).toEqual([
        renderedDbUserArn('us-east-1', '123456789012', { 'Fn::GetAtt': [clusterId, 'DBClusterResourceId'] }, 'app_rw'),
      ]);
    });

    it('uses the DbiResourceId of an instance, never its ARN', () => {
      const { stack, provisioner } = databaseFixture({ kind: 'mysql-instance' });
      const role = new Role(stack, 'AppRole', { assumedBy: new AccountRootPrincipal() });
      new IamDatabaseUser(stack, 'User', { provisioner, username: 'app_rw', grants: [APPLICATION_GRANT], connectPrincipals: [role] });

      const template = Template.fromStack(stack);
      const instanceId = onlyResourceOfType(template, 'AWS::RDS::DBInstance').logicalId;
      const [connect] = policyStatements(template).filter(({ statement }) => statement.Action === 'rds-db:connect');
      expect(resourcesOf(connect.statement)).toEqual([
        renderedDbUserArn('us-east-1', '123456789012', { 'Fn::GetAtt': [instanceId, 'DbiResourceId'] }, 'app_rw'),
      ]);
    });
  });

  it('is a dependency other resources can wait on: they wait for the provisioner custom resource', () => {
    // Prepare
    const { stack, provisioner } = databaseFixture();
    const user = new IamDatabaseUser(stack, 'User', { provisioner, username: 'app_rw', grants: [APPLICATION_GRANT] });
    const consumer = new Topic(stack, 'Consumer');

    // Act
    consumer.node.addDependency(user);

    // Assess
    const template = Template.fromStack(stack);
    const customResourceId = onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE).logicalId;
    expect(onlyResourceOfType(template, 'AWS::SNS::Topic').dependsOn).toEqual([customResourceId]);
  });
});

import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { DatabaseUserProvisioner, PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import { IamAuthDatabase } from '../../lib/constructs/iam-auth-database-adapters';
import { IamDatabaseUser, IamDatabaseUserProps } from '../../lib/constructs/iam-database-user';
import { decodeUserSpecs, ProvisionerProperty } from '../../lib/provisioning/provisioner-properties';
import { databaseFixture } from '../support/database-fixtures';
import { onlyResourceOfType, policyStatements, renderedDbUserArn, resourcesOf } from '../support/template-queries';
import { declarationError } from '../support/declaration-error';
import { SKIP_BUNDLING_CONTEXT, TEST_APP_PROPS } from '../support/synth-stacks';

const APPLICATION_GRANT = { privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'], on: 'orders.*' };

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
      ['a statement in a privilege', [{ privileges: ['SELECT; DROP USER root'], on: 'orders.*' }], 'grants[0].privileges[0]'],
      ['SUPER', [{ privileges: ['SUPER'], on: '*.*' }], 'grants[0].privileges[0]'],
      ['FILE', [{ privileges: ['FILE'], on: '*.*' }], 'grants[0].privileges[0]'],
      ['SHUTDOWN', [{ privileges: ['SHUTDOWN'], on: '*.*' }], 'grants[0].privileges[0]'],
      ['a global-only privilege on db.*', [{ privileges: ['PROCESS'], on: 'orders.*' }], 'grants[0].privileges[0]'],
      ['a MariaDB-only privilege on MySQL', [{ privileges: ['DELETE HISTORY'], on: 'orders.*' }], 'grants[0].privileges[0]'],
      ['ALL on *.*', [{ privileges: ['ALL'], on: '*.*' }], 'grants[0].privileges[0]'],
      ['no privileges', [{ privileges: [], on: 'orders.*' }], 'grants[0].privileges'],
      ['a grant on the mysql schema', [{ privileges: ['UPDATE'], on: 'mysql.*' }], 'grants[0].on'],
      ['a grant on mysql.user, upper case', [{ privileges: ['SELECT'], on: 'MYSQL.USER' }], 'grants[0].on'],
      ['a grant on information_schema', [{ privileges: ['SELECT'], on: 'information_schema.*' }], 'grants[0].on'],
      ['a grant on sys', [{ privileges: ['ALL'], on: 'Sys.*' }], 'grants[0].on'],
      ['CREATE USER', [{ privileges: ['CREATE USER'], on: '*.*' }], 'grants[0].privileges[0]'],
      ['SELECT on every database', [{ privileges: ['SELECT'], on: '*.*' }], 'grants[0].on'],
      ['a 64-character database name that escapes to more', [{ privileges: ['SELECT'], on: `${'a_'.repeat(32)}.*` }], 'grants[0].on'],
    ];

    it.each(hostileGrants)('grant with %s', (_label, grants, field) => {
      const { stack, provisioner } = databaseFixture();
      const error = declarationError(() => new IamDatabaseUser(stack, 'User', { provisioner, username: 'app_rw', grants }));
      expect(error.message).toContain(`${field} = `);
      expect(provisioner.userSpecs).toEqual([]);
    });

    // From JavaScript or JSON config, TypeScript's types are gone: each of these must be refused, never coerced.
    const untypedDeclarations: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
      ['adoptExistingUser as the string "false"', { adoptExistingUser: 'false' }, 'adoptExistingUser = "false": must be true or false'],
      ['requireSsl as the string "false"', { requireSsl: 'false' }, 'requireSsl = "false": must be true or false'],
      ['requireSsl as 0', { requireSsl: 0 }, 'requireSsl = 0: must be true or false'],
      ['a target as a number', { grants: [{ privileges: ['SELECT'], on: 42 }] }, 'grants[0].on = 42: must be a string'],
      ['privileges as a string', { grants: [{ privileges: 'SELECT', on: 'orders.*' }] }, 'grants[0].privileges = "SELECT": must be an array'],
      ['a misspelt field', { requireSSL: false }, 'requireSSL = false: is not a field of a database user'],
      ['a misspelt grant field', { grants: [{ privilege: ['SELECT'], on: 'orders.*' }] }, 'grants[0].privilege = ["SELECT"]: is not a field of a grant'],
      ['a username as a number', { username: 7 }, 'username = 7: must be a string'],
      ['an opt-in without reason', { allowPrivileged: { grants: [] } }, 'allowPrivileged.reason = undefined: must be a string'],
    ];

    it.each(untypedDeclarations)('%s', (_label, overrides, expected) => {
      // Prepare
      const { stack, provisioner } = databaseFixture();
      const props = { provisioner, username: 'app_rw', grants: [APPLICATION_GRANT], ...overrides } as unknown as IamDatabaseUserProps;

      // Act
      const error = declarationError(() => new IamDatabaseUser(stack, 'User', props));

      // Assess
      expect(error.message).toContain(expected);
      expect(provisioner.userSpecs).toEqual([]);
    });

    it.each(['rds_superuser_role', 'rdsproxyadmin', 'RDSADMIN', 'AWS_LOAD_S3_ACCESS', 'mariadb.sys', 'PUBLIC'])(
      'the reserved account %s, which no opt-in can waive',
      (username) => {
        const { stack, provisioner } = databaseFixture();
        const error = declarationError(() => new IamDatabaseUser(stack, 'User', {
          provisioner, username, grants: [APPLICATION_GRANT], adoptExistingUser: true,
          allowPrivileged: { reason: 'we really need to manage this account', grants: [] },
        }));
        expect(error.message).toContain(`username = ${JSON.stringify(username)}: is `);
        expect(error.message).toContain('never created, adopted, granted to or dropped');
      },
    );

    it('quotes at most 64 characters of a huge value and stays under 4 KB', () => {
      const { stack, provisioner } = databaseFixture();
      const username = 'u'.repeat(1_000_000);
      const error = declarationError(() => new IamDatabaseUser(stack, 'User', { provisioner, username, grants: [{ privileges: ['SELECT'], on: `${'d'.repeat(500_000)}.*` }] }));
      expect(error.message).toContain(`username = "${'u'.repeat(64)}"… (1,000,000 characters)`);
      expect(Buffer.byteLength(error.message)).toBeLessThan(4096);
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
      expect(error.message).toContain(`removalPolicy = "snapshot": must be 'drop' or 'retain'`);
    });
  });

  it('validates privileges against the engine: MariaDB spells REPLICATION CLIENT as BINLOG MONITOR, which reads the binary log', () => {
    const { stack, provisioner } = databaseFixture({ kind: 'mariadb-instance' });
    const error = declarationError(() => new IamDatabaseUser(stack, 'User', { provisioner, username: 'monitor', grants: [{ privileges: ['replication client'], on: '*.*' }] }));
    expect(error.message).toContain('grants[0].privileges[0] = "replication client": BINLOG MONITOR lists binary log events');
  });

  it('carries an opt-in, with its reason, in the synthesized custom resource property', () => {
    // Prepare
    const { stack, provisioner } = databaseFixture({ kind: 'mariadb-instance' });
    const reason = 'Replication lag monitor (ticket OPS-1234) reads binary log positions';

    // Act
    const user = new IamDatabaseUser(stack, 'User', {
      provisioner,
      username: 'monitor',
      grants: [{ privileges: ['replication client'], on: '*.*' }],
      allowPrivileged: { reason, grants: [{ privileges: ['REPLICATION CLIENT'], on: '*.*' }] },
    });

    // Assess
    const encoded = onlyResourceOfType(Template.fromStack(stack), PROVISIONER_RESOURCE_TYPE).properties[ProvisionerProperty.Users];
    expect(encoded).toContain(`"allowPrivileged":{"reason":${JSON.stringify(reason)}`);
    expect(decodeUserSpecs(encoded)).toEqual([{
      username: 'monitor',
      grants: [{ on: '*.*', privileges: ['BINLOG MONITOR'] }],
      requireSsl: true,
      removalPolicy: 'drop',
      adoptExistingUser: false,
      allowPrivileged: { reason, grants: [{ on: '*.*', privileges: ['BINLOG MONITOR'] }] },
    }]);
    expect(user.user.allowPrivileged?.reason).toBe(reason);
  });

  describe('knows the master user name at synth when CDK generates the credentials', () => {
    const vpcFor = (stack: Stack) => new Vpc(stack, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: SubnetType.PRIVATE_ISOLATED }] });
    const newStack = () => new Stack(new App({ ...TEST_APP_PROPS, context: SKIP_BUNDLING_CONTEXT }), 'Master', { env: { account: '123456789012', region: 'us-east-1' } });

    it.each([
      ['default credentials (admin)', undefined, 'admin'],
      ['Credentials.fromGeneratedSecret', rds.Credentials.fromGeneratedSecret('dbmaster'), 'dbmaster'],
    ])('%s', (_label, credentials, masterUsername) => {
      // Prepare
      const stack = newStack();
      const cluster = new rds.DatabaseCluster(stack, 'Database', {
        engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_10_3 }),
        writer: rds.ClusterInstance.serverlessV2('Writer'),
        vpc: vpcFor(stack),
        vpcSubnets: { subnetGroupName: 'db' },
        iamAuthentication: true,
        credentials,
      });
      const database = IamAuthDatabase.fromCluster(cluster);
      const provisioner = new DatabaseUserProvisioner(stack, 'Users', { database });

      // Act
      const error = declarationError(() => new IamDatabaseUser(stack, 'User', { provisioner, username: masterUsername.toUpperCase(), grants: [APPLICATION_GRANT] }));

      // Assess
      expect(database.masterUsername).toBe(masterUsername);
      expect(error.message).toContain('is the master user of this database');
    });
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

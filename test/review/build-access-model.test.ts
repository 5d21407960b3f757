import { optedInEveryDatabase } from '../support/user-specs';
import { AccountRootPrincipal, Effect, ManagedPolicy, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { DatabaseAccess } from '../../lib/review/access-model';
import { BroadGrantRuleId } from '../../lib/review/broad-grant-rules';
import { buildAccessModel } from '../../lib/review/build-access-model';
import { TemplateReadError, type SynthesizedTemplate } from '../../lib/review/cloudformation-template';
import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../../lib/provisioning/provisioner-properties';
import { accessFixtureTemplate, type AccessFixtureDeclaration } from '../support/access-fixture';

const ORDERS_WRITE = { privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], on: 'orders.*' };

function onlyDatabase(declaration: AccessFixtureDeclaration): DatabaseAccess {
  const { stacks } = buildAccessModel([accessFixtureTemplate(declaration)]);
  expect(stacks).toHaveLength(1);
  expect(stacks[0].databases).toHaveLength(1);
  return stacks[0].databases[0];
}

function logicalIdOf(template: SynthesizedTemplate, type: string, prefix: string): string {
  const resources = (template.template as { Resources: Record<string, { Type: string }> }).Resources;
  const found = Object.entries(resources).filter(([id, resource]) => resource.Type === type && id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0][0];
}

describe('the access model of a synthesized template', () => {
  it('reads each user of the provisioner custom resource with its login, removal, adoption and grants', () => {
    // Act
    const database = onlyDatabase({
      users: [
        { username: 'app_rw', grants: [ORDERS_WRITE, { privileges: ['select'], on: 'audit.events' }] },
        { username: 'legacy', grants: [{ privileges: ['SELECT'], on: 'legacy.*' }], removalPolicy: 'retain', adoptExistingUser: true, requireSsl: false },
      ],
    });

    // Assess
    expect(database.engine).toBe('mysql');
    expect(database.endpoint).toMatch(/^GetAtt Database[0-9A-F]{8}\.Endpoint\.Address$/);
    expect(database.resourceId).toMatch(/^GetAtt Database[0-9A-F]{8}\.DBClusterResourceId$/);
    expect(database.users.map((user) => user.username)).toEqual(['app_rw', 'legacy']);
    expect(database.users[0]).toMatchObject({
      requireSsl: true,
      removalPolicy: 'drop',
      adoptExistingUser: false,
      grants: [
        { on: 'audit.events', privileges: ['SELECT'], allPrivileges: false },
        { on: 'orders.*', privileges: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'], allPrivileges: false },
      ],
    });
    expect(database.users[1]).toMatchObject({ requireSsl: false, removalPolicy: 'retain', adoptExistingUser: true });
  });

  it('names the instance resource id for an RDS instance and the engine of a MariaDB one', () => {
    const database = onlyDatabase({ kind: 'mariadb-instance', users: [{ username: 'app', grants: [{ privileges: ['SELECT'], on: 'orders.*' }] }] });

    expect(database.engine).toBe('mariadb');
    expect(database.resourceId).toMatch(/^GetAtt Database[0-9A-F]{8}\.DbiResourceId$/);
  });

  it('recognizes ALL as every privilege it expands to at the level', () => {
    const database = onlyDatabase({
      users: [
        { username: 'migrator', grants: [{ privileges: ['ALL'], on: 'orders.*' }], acknowledgeWarnings: [{ id: BroadGrantRuleId.AllPrivileges, reason: 'runs the schema migrations' }] },
        { username: 'almost', grants: [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP'], on: 'orders.*' }] },
      ],
    });

    expect(database.users.find((user) => user.username === 'migrator')?.grants[0].allPrivileges).toBe(true);
    expect(database.users.find((user) => user.username === 'almost')?.grants[0].allPrivileges).toBe(false);
  });

  it('lists each role allowed rds-db:connect as exactly that user, directly or through an RDS Proxy in front of the database', () => {
    // Prepare
    const declaration: AccessFixtureDeclaration = {
      users: [
        { username: 'app_rw', grants: [ORDERS_WRITE], connectRoles: ['Api', 'Worker'] },
        { username: 'reporting_ro', grants: [{ privileges: ['SELECT'], on: 'orders.*' }], connectRoles: ['Analyst'] },
      ],
      extra: ({ stack, vpc }, roles) => {
        const cluster = stack.node.findChild('Database') as rds.DatabaseCluster;
        const proxy = new rds.DatabaseProxy(stack, 'Proxy', { proxyTarget: rds.ProxyTarget.fromCluster(cluster), secrets: [new Secret(stack, 'ProxySecret')], vpc });
        proxy.grantConnect(roles.get('Analyst')!, 'reporting_ro');
      },
    };
    const template = accessFixtureTemplate(declaration);

    // Act
    const [database] = buildAccessModel([template]).stacks[0].databases;

    // Assess
    const role = (name: string) => `role ${logicalIdOf(template, 'AWS::IAM::Role', `Role${name}`)}`;
    const proxy = `proxy ${logicalIdOf(template, 'AWS::RDS::DBProxy', 'Proxy')}`;
    expect(database.users[0].connects).toEqual([{ principal: role('Api') }, { principal: role('Worker') }]);
    expect(database.users[1].connects).toEqual([{ principal: role('Analyst') }, { principal: role('Analyst'), via: proxy }]);
    expect(database.patternConnects).toEqual([]);
  });

  it('names an imported role by the name its policy attaches to, and finds grants in managed and inline policies', () => {
    // Prepare
    const template = accessFixtureTemplate({
      users: [{ username: 'app_rw', grants: [ORDERS_WRITE] }, { username: 'batch', grants: [ORDERS_WRITE] }],
      extra: ({ stack, provisioner }) => {
        const resourceId = provisioner.database.resourceId;
        const arn = (user: string) => `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}/${user}`;
        const imported = Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/orders-api', { mutable: true });
        imported.addToPrincipalPolicy(new PolicyStatement({ actions: ['rds-db:connect'], resources: [arn('app_rw')] }));
        const managed = new ManagedPolicy(stack, 'BatchConnect', { statements: [new PolicyStatement({ actions: ['rds-db:Connect'], resources: [arn('batch')] })] });
        new Role(stack, 'Batch', { assumedBy: imported, managedPolicies: [managed] });
        new Role(stack, 'Inline', {
          assumedBy: imported,
          inlinePolicies: { connect: new PolicyDocument({ statements: [new PolicyStatement({ actions: ['rds-db:*'], resources: [arn('batch')] })] }) },
        });
      },
    });

    // Act
    const [database] = buildAccessModel([template]).stacks[0].databases;

    // Assess
    expect(database.users[0].connects).toEqual([{ principal: 'existing role orders-api' }]);
    expect(database.users[1].connects.map((connect) => connect.principal)).toEqual([
      `role ${logicalIdOf(template, 'AWS::IAM::Role', 'Batch')}`,
      `role ${logicalIdOf(template, 'AWS::IAM::Role', 'Inline')}`,
    ]);
  });

  it('reports patterns and undeclared names at the database, and grants on databases it does not provision apart', () => {
    // Prepare
    const template = accessFixtureTemplate({
      users: [{ username: 'app_rw', grants: [ORDERS_WRITE] }],
      extra: ({ provisioner }) => {
        const own = (user: string) => `arn:aws:rds-db:us-east-1:123456789012:dbuser:${provisioner.database.resourceId}/${user}`;
        const role = new Role(provisioner, 'Ops', { assumedBy: new AccountRootPrincipal() });
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['rds-db:connect'], resources: [own('app_*'), own('ghost')] }));
        role.addToPrincipalPolicy(new PolicyStatement({
          actions: ['rds-db:connect'],
          resources: ['arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/app_rw'],
        }));
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['rds-db:connect'], resources: [own('app_rw')], effect: Effect.DENY }));
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/dbuser:x/y'] }));
      },
    });

    // Act
    const [stack] = buildAccessModel([template]).stacks;

    // Assess
    const ops = `role ${logicalIdOf(template, 'AWS::IAM::Role', 'ProvisionerOps')}`;
    const [database] = stack.databases;
    expect(database.users[0].connects).toEqual([]);
    expect(database.patternConnects).toEqual([
      { usernamePattern: 'app_*', principal: ops },
      { usernamePattern: 'ghost', principal: ops },
    ]);
    expect(stack.otherConnectGrants).toEqual([
      { principal: ops, resource: 'arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/app_rw' },
    ]);
  });

  it('assesses broad grants and reads their acknowledgements from the provisioner resource metadata', () => {
    const database = onlyDatabase({
      users: [
        { username: 'app_rw', ...optedInEveryDatabase({ privileges: ['SELECT', 'INSERT'], on: '*.*' }) },
        {
          username: 'etl',
          ...optedInEveryDatabase({ privileges: ['SELECT'], on: '*.*' }),
          acknowledgeWarnings: [
            { id: BroadGrantRuleId.ReadOnEveryDatabase, reason: 'copies every database into the warehouse' },
            { id: BroadGrantRuleId.AllPrivileges, reason: 'left over from the migration days' },
          ],
        },
      ],
    });

    expect(database.users[0].findings).toEqual([
      { finding: expect.objectContaining({ ruleId: BroadGrantRuleId.WriteOnEveryDatabase, on: '*.*' }) },
    ]);
    expect(database.users[1].findings).toEqual([
      {
        finding: expect.objectContaining({ ruleId: BroadGrantRuleId.ReadOnEveryDatabase, on: '*.*' }),
        acknowledgedBecause: 'copies every database into the warehouse',
      },
    ]);
    expect(database.users[1].unneededAcknowledgements).toEqual([{ id: BroadGrantRuleId.AllPrivileges, reason: 'left over from the migration days' }]);
  });

  describe('with the resource id carried by the provisioner resource (DatabaseResourceId)', () => {
    it('matches grants on that expression, or on that literal id for a database known by its id', () => {
      // Prepare: the fixture's template, with the property the provisioner carries from issue 9 on.
      const fixture = accessFixtureTemplate({ users: [{ username: 'app_rw', grants: [ORDERS_WRITE], connectRoles: ['Api'] }] });
      const literalId = 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0';
      const withId = (resourceId: unknown, grantResource: unknown): SynthesizedTemplate => {
        const template = structuredClone(fixture.template) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
        for (const resource of Object.values(template.Resources)) {
          if (resource.Type === PROVISIONER_RESOURCE_TYPE) resource.Properties.DatabaseResourceId = resourceId;
          if (resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties).includes('rds-db:connect')) {
            resource.Properties.PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'rds-db:connect', Resource: grantResource }] };
          }
        }
        return { ...fixture, template };
      };
      const database = logicalIdOf(fixture, 'AWS::RDS::DBCluster', 'Database');
      const getAtt = { 'Fn::GetAtt': [database, 'DBClusterResourceId'] };

      // Act
      const bySub = buildAccessModel([withId(getAtt, { 'Fn::Sub': `arn:\${AWS::Partition}:rds-db:us-east-1:\${AWS::AccountId}:dbuser:\${${database}.DBClusterResourceId}/app_rw` })]);
      const byLiteral = buildAccessModel([withId(literalId, `arn:aws:rds-db:us-east-1:123456789012:dbuser:${literalId}/app_rw`)]);

      // Assess
      const api = `role ${logicalIdOf(fixture, 'AWS::IAM::Role', 'RoleApi')}`;
      expect(bySub.stacks[0].databases[0]).toMatchObject({ resourceId: `GetAtt ${database}.DBClusterResourceId`, users: [{ connects: [{ principal: api }] }] });
      expect(byLiteral.stacks[0].databases[0]).toMatchObject({ resourceId: literalId, users: [{ connects: [{ principal: api }] }] });
    });
  });

  describe('refuses what it cannot read, naming the file, the resource and the property', () => {
    const fixture = accessFixtureTemplate({ users: [{ username: 'app_rw', grants: [ORDERS_WRITE] }] });
    const edited = (edit: (provisioner: { Properties: Record<string, unknown>; Metadata: Record<string, unknown> }) => void): SynthesizedTemplate => {
      const template = structuredClone(fixture.template) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata: Record<string, unknown> }> };
      edit(Object.values(template.Resources).find((resource) => resource.Type === PROVISIONER_RESOURCE_TYPE)!);
      return { ...fixture, template, origin: 'cdk.out/Fixture.template.json' };
    };

    it.each([
      ['a user set that is not the wire format', edited((p) => { p.Properties[ProvisionerProperty.Users] = '[{"user":"x"}]'; }), /Fixture\.template\.json: resource Provisioner\w+: property Users does not match/],
      ['a user set only known at deploy time', edited((p) => { p.Properties[ProvisionerProperty.Users] = { Ref: 'UsersParameter' }; }), /property Users must be a string/],
      ['an unknown engine', edited((p) => { p.Properties[ProvisionerProperty.Engine] = 'postgres'; }), /property Engine = postgres is not mysql or mariadb/],
      ['a grant target it does not know', edited((p) => { p.Properties[ProvisionerProperty.Users] = '[{"u":"x","g":[["orders","SELECT"]]}]'; }), /user x: grant target "orders"/],
      ['a malformed acknowledgement', edited((p) => { p.Metadata = { ...p.Metadata, 'rds-iam-mysql:acknowledgedWarnings': { app_rw: [{ id: 'nope', reason: 'x' }] } }; }), /app_rw\[0\]\.id = "nope": must be one of/],
      ['something that is not a template', { stackName: 'x', template: { AWSTemplateFormatVersion: '2010-09-09' }, origin: 'x.json' }, /x\.json is not a CloudFormation template/],
    ])('%s', (_label, template, message) => {
      expect(() => buildAccessModel([template])).toThrow(TemplateReadError);
      expect(() => buildAccessModel([template])).toThrow(message);
    });
  });
});

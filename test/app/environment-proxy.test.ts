import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { EnvironmentConfig, environmentStackName, getEnvironment } from '../../app/environments';
import { buildAccessModel } from '../../lib/review/build-access-model';
import { IamDatabaseStack } from '../../app/stacks/iam-database-stack';
import { declarationError } from '../support/declaration-error';
import { SKIP_BUNDLING_CONTEXT, SynthesizedStack, synthesizeEnvironment, TEST_APP_PROPS } from '../support/synth-stacks';
import { egressRules, onlyResourceOfType, policyStatements, renderedDbUserArn, resourcesOf, resourcesOfType } from '../support/template-queries';

/** The rds-db:connect resources of the policies attached to the role with that logical id. */
function connectResources(template: Template, roleLogicalId: string): unknown[] {
  return policyStatements(template)
    .filter(({ roles, statement }) => roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId })) && statement.Action === 'rds-db:connect')
    .flatMap(({ statement }) => resourcesOf(statement));
}

function roleNamed(template: Template, environment: EnvironmentConfig, name: string): string {
  const role = resourcesOfType(template, 'AWS::IAM::Role').find((candidate) => candidate.properties.RoleName === `${environmentStackName(environment)}-${name}`);
  if (role === undefined) throw new Error(`no role ${name}`);
  return role.logicalId;
}

function proxyRole(template: Template): string {
  const proxy = onlyResourceOfType(template, 'AWS::RDS::DBProxy');
  return (proxy.properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

function proxySideResourceId(template: Template): unknown {
  const proxy = onlyResourceOfType(template, 'AWS::RDS::DBProxy').logicalId;
  return { 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': [proxy, 'DBProxyArn'] }] }] };
}

describe('the dev environment with its RDS Proxy', () => {
  const dev = getEnvironment('dev');
  let synthesized: SynthesizedStack<IamDatabaseStack>;
  let template: Template;

  beforeAll(() => {
    synthesized = synthesizeEnvironment(dev, { bundle: false });
    template = synthesized.template;
  });

  it('declares a proxy in the config, so dev synthesizes one with end-to-end IAM and TLS required', () => {
    expect(dev.proxy?.name).toBe('orders-dev-proxy');
    expect(onlyResourceOfType(template, 'AWS::RDS::DBProxy').properties).toMatchObject({
      DBProxyName: 'orders-dev-proxy',
      DefaultAuthScheme: 'IAM_AUTH',
      RequireTLS: true,
      EngineFamily: 'MYSQL',
    });
    const cluster = onlyResourceOfType(template, 'AWS::RDS::DBCluster').logicalId;
    expect(onlyResourceOfType(template, 'AWS::RDS::DBProxyTargetGroup').properties.DBClusterIdentifiers).toEqual([{ Ref: cluster }]);
  });

  it("lets the proxy's role connect as app_rw on the cluster, and as nothing else", () => {
    const cluster = onlyResourceOfType(template, 'AWS::RDS::DBCluster').logicalId;
    expect(connectResources(template, proxyRole(template))).toEqual([
      renderedDbUserArn('eu-west-1', '111111111111', { 'Fn::GetAtt': [cluster, 'DBClusterResourceId'] }, 'app_rw'),
    ]);
  });

  it('lets OrdersApi connect as app_rw through the proxy (prx-… ARN), besides its direct grants', () => {
    const resources = connectResources(template, roleNamed(template, dev, 'OrdersApi'));
    expect(resources).toContainEqual(renderedDbUserArn('eu-west-1', '111111111111', proxySideResourceId(template), 'app_rw'));
    const throughProxy = resources.filter((resource) => JSON.stringify(resource).includes('DBProxyArn'));
    expect(throughProxy).toHaveLength(1);
    expect(connectResources(template, roleNamed(template, dev, 'Analyst')).filter((resource) => JSON.stringify(resource).includes('DBProxyArn'))).toEqual([]);
  });

  it('admits only the client group to the proxy port, and the client group may reach only the proxy', () => {
    const proxyGroup = (onlyResourceOfType(template, 'AWS::RDS::DBProxy').properties.VpcSecurityGroupIds as [{ 'Fn::GetAtt': [string] }])[0]['Fn::GetAtt'][0];
    const clients = resourcesOfType(template, 'AWS::EC2::SecurityGroup').find((group) => group.logicalId.startsWith('ProxyClients'))!.logicalId;
    const ingress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').filter(
      (rule) => JSON.stringify(rule.properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [proxyGroup, 'GroupId'] }),
    );
    expect(ingress.map((rule) => [rule.properties.FromPort, rule.properties.ToPort, rule.properties.SourceSecurityGroupId])).toEqual([
      [3306, 3306, { 'Fn::GetAtt': [clients, 'GroupId'] }],
    ]);
    expect(egressRules(template, clients)).toEqual([
      expect.objectContaining({ FromPort: 3306, ToPort: 3306, DestinationSecurityGroupId: { 'Fn::GetAtt': [proxyGroup, 'GroupId'] } }),
    ]);
  });

  it('outputs the proxy name, endpoint, ARN and client group', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const proxy = onlyResourceOfType(template, 'AWS::RDS::DBProxy').logicalId;
    expect(outputs.ProxyName.Value).toEqual({ Ref: proxy });
    expect(outputs.ProxyEndpoint.Value).toEqual({ 'Fn::GetAtt': [proxy, 'Endpoint'] });
    expect(outputs.ProxyArn.Value).toEqual({ 'Fn::GetAtt': [proxy, 'DBProxyArn'] });
    expect(outputs.ProxyClientSecurityGroupId).toBeDefined();
  });

  it('passes cdk-nag AwsSolutions with no unsuppressed error', () => {
    expect(synthesized.nagErrors).toEqual([]);
  });

  it('shows in the access review who connects through the proxy, and the proxy role connecting to the database', () => {
    const template = synthesized.template.toJSON();
    const [database] = buildAccessModel([{ stackName: environmentStackName(dev), template, origin: 'dev' }]).stacks[0].databases;
    const connectsAs = (username: string) => database.users.find((user) => user.username === username)!.connects;
    const proxy = `proxy ${onlyResourceOfType(synthesized.template, 'AWS::RDS::DBProxy').logicalId}`;

    expect(connectsAs('app_rw')).toEqual([
      { principal: `role ${roleNamed(synthesized.template, dev, 'OrdersApi')}` },
      { principal: `role ${roleNamed(synthesized.template, dev, 'OrdersApi')}`, via: proxy },
      // The proxy's own role, named as the proxy's so a reviewer does not take it for one more application.
      { principal: `role ${proxyRole(synthesized.template)} (RDS Proxy ${proxy.slice('proxy '.length)}'s own role: it logs in for the clients the proxy lets through)` },
    ]);
    expect([...connectsAs('reporting_ro'), ...connectsAs('migrator')].some((connect) => connect.via !== undefined)).toBe(false);
  });
});

describe.each<[string, string, (template: Template) => unknown, string]>([
  ['staging', 'rds-instance', (template) => ({ 'Fn::GetAtt': [onlyResourceOfType(template, 'AWS::RDS::DBInstance').logicalId, 'DbiResourceId'] }), 'DBInstanceIdentifiers'],
  ['prod', 'existing-cluster', (template) => ({ 'Fn::GetAtt': [onlyResourceOfType(template, 'Custom::RdsIamAuthDatabase').logicalId, 'ResourceId'] }), 'DBClusterIdentifiers'],
])('a proxy on %s (%s)', (name, _kind, resourceIdOf, targetProperty) => {
  const shipped = getEnvironment(name);
  const environment: EnvironmentConfig = {
    ...shipped,
    proxy: { name: `orders-${name}-proxy`, users: [{ username: 'reporting_ro', connectRoles: ['Analyst'] }], clientSecurityGroupIds: ['sg-0a1b2c3d4e5f60999'] },
  };
  let synthesized: SynthesizedStack<IamDatabaseStack>;

  beforeAll(() => {
    synthesized = synthesizeEnvironment(environment, { bundle: false });
  });

  it('targets the database, with exact ARNs on both sides and cdk-nag clean', () => {
    const { template } = synthesized;
    const targets = onlyResourceOfType(template, 'AWS::RDS::DBProxyTargetGroup').properties[targetProperty] as unknown[];
    expect(targets).toHaveLength(1);
    if (name === 'prod') expect(targets).toEqual(['orders-prod']);
    expect(connectResources(template, proxyRole(template))).toEqual([renderedDbUserArn('eu-west-1', environment.account, resourceIdOf(template), 'reporting_ro')]);
    expect(connectResources(template, roleNamed(template, environment, 'Analyst'))).toContainEqual(
      renderedDbUserArn('eu-west-1', environment.account, proxySideResourceId(template), 'reporting_ro'),
    );
    const proxyGroup = (onlyResourceOfType(template, 'AWS::RDS::DBProxy').properties.VpcSecurityGroupIds as [{ 'Fn::GetAtt': [string] }])[0]['Fn::GetAtt'][0];
    const ingressSources = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')
      .filter((rule) => JSON.stringify(rule.properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [proxyGroup, 'GroupId'] }))
      .map((rule) => rule.properties.SourceSecurityGroupId);
    expect(ingressSources).toContainEqual('sg-0a1b2c3d4e5f60999');
    expect(synthesized.nagErrors).toEqual([]);
  });
});

describe('an environment proxy that cannot be built', () => {
  it('is refused before anything is built, every problem named by its place in the config', () => {
    const dev = getEnvironment('dev');
    const environment = {
      ...dev,
      proxy: {
        name: 'orders--proxy',
        users: [{ username: 'app_rw' }, { username: 'nobody' }, { username: 'app_rw' }, { username: 'reporting_ro', connectRoles: 'Analyst' }],
        clientSecurityGroupIds: ['sg-123'],
      },
    } as unknown as EnvironmentConfig;

    const error = declarationError(() => new IamDatabaseStack(new App({ ...TEST_APP_PROPS, context: SKIP_BUNDLING_CONTEXT }), 'Invalid', { environmentConfig: environment }));

    expect(error.message).toContain('environment "dev": invalid proxy declaration:');
    expect(error.message).toContain('proxy.name = "orders--proxy": "orders--proxy" is not a DB proxy name');
    expect(error.message).toContain('proxy.users[1].username = "nobody": is not declared in users');
    expect(error.message).toContain('proxy.users[2].username = "app_rw": is listed twice');
    expect(error.message).toContain('proxy.users[3].connectRoles = "Analyst": must be a list of strings');
    expect(error.message).toContain('proxy.clientSecurityGroupIds[0] = "sg-123": is not a security group id');
  });

  it('is refused when it carries no user', () => {
    const dev = getEnvironment('dev');
    const environment: EnvironmentConfig = { ...dev, proxy: { name: 'orders-dev-proxy', users: [] } };
    const error = declarationError(() => new IamDatabaseStack(new App({ ...TEST_APP_PROPS, context: SKIP_BUNDLING_CONTEXT }), 'Invalid', { environmentConfig: environment }));
    expect(error.message).toContain('proxy.users = []: list at least one declared user for the proxy to carry');
  });
});

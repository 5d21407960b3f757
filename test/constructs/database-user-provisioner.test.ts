import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import { decodeUserSpecs, ProvisionerProperty } from '../../lib/contracts/provisioner/provisioner-properties';
import { databaseFixture } from '../support/database-fixtures';
import { egressRules, onlyResourceOfType, resourcesOfType } from '../support/template-queries';

function provisionerSecurityGroupId(template: Template): string {
  const handler = resourcesOfType(template, 'AWS::Lambda::Function').find((fn) => fn.properties.VpcConfig !== undefined)!;
  const [groupRef] = (handler.properties.VpcConfig as { SecurityGroupIds: [{ 'Fn::GetAtt': [string] }] }).SecurityGroupIds;
  return groupRef['Fn::GetAtt'][0];
}

describe('DatabaseUserProvisioner', () => {
  describe('network', () => {
    it('in isolated subnets, creates a Secrets Manager endpoint and allows HTTPS only to it', () => {
      const { stack } = databaseFixture({ subnets: 'isolated' });
      const template = Template.fromStack(stack);

      const endpoint = onlyResourceOfType(template, 'AWS::EC2::VPCEndpoint');
      expect(endpoint.properties).toMatchObject({ ServiceName: 'com.amazonaws.us-east-1.secretsmanager', PrivateDnsEnabled: true, VpcEndpointType: 'Interface' });
      const endpointGroup = (endpoint.properties.SecurityGroupIds as [{ 'Fn::GetAtt': [string] }])[0]['Fn::GetAtt'][0];
      const https = egressRules(template, provisionerSecurityGroupId(template)).filter((rule) => rule.FromPort === 443);
      expect(https).toEqual([expect.objectContaining({ DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] } })]);
    });

    it('in private subnets with a NAT gateway, creates no endpoint and allows HTTPS out', () => {
      const { stack } = databaseFixture({ subnets: 'private' });
      const template = Template.fromStack(stack);

      expect(resourcesOfType(template, 'AWS::EC2::VPCEndpoint')).toEqual([]);
      const https = egressRules(template, provisionerSecurityGroupId(template)).filter((rule) => rule.FromPort === 443);
      expect(https).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', ToPort: 443 })]);
    });

    it('creates no endpoint when told the VPC has one already', () => {
      const { stack } = databaseFixture({ subnets: 'isolated', provisioner: { createSecretsManagerEndpoint: false } });
      expect(resourcesOfType(Template.fromStack(stack), 'AWS::EC2::VPCEndpoint')).toEqual([]);
    });

    it('admits the provisioner into the database security group on the database port only', () => {
      const { stack } = databaseFixture();
      const template = Template.fromStack(stack);
      const cluster = onlyResourceOfType(template, 'AWS::RDS::DBCluster');
      const ingress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').filter(
        (rule) => JSON.stringify(rule.properties.SourceSecurityGroupId) === JSON.stringify({ 'Fn::GetAtt': [provisionerSecurityGroupId(template), 'GroupId'] })
          && JSON.stringify(rule.properties.GroupId) === JSON.stringify(cluster.properties.VpcSecurityGroupIds && (cluster.properties.VpcSecurityGroupIds as unknown[])[0]),
      );
      expect(ingress).toHaveLength(1);
      expect(ingress[0].properties.FromPort).toEqual({ 'Fn::GetAtt': [cluster.logicalId, 'Endpoint.Port'] });
      expect(ingress[0].properties.ToPort).toEqual({ 'Fn::GetAtt': [cluster.logicalId, 'Endpoint.Port'] });
    });
  });

  it('waits for the database, its writer and the network rules before provisioning', () => {
    const { stack } = databaseFixture();
    const template = Template.fromStack(stack);
    const { dependsOn } = onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE);
    expect(dependsOn).toEqual(expect.arrayContaining([
      onlyResourceOfType(template, 'AWS::RDS::DBCluster').logicalId,
      onlyResourceOfType(template, 'AWS::RDS::DBInstance').logicalId,
      onlyResourceOfType(template, 'AWS::EC2::VPCEndpoint').logicalId,
      ...resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').map((rule) => rule.logicalId),
      ...resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress').map((rule) => rule.logicalId),
    ]));
  });

  it('sends the user set normalized and sorted by name, so a cosmetic edit changes nothing', () => {
    const { stack, provisioner } = databaseFixture();
    new IamDatabaseUser(stack, 'Zed', { provisioner, username: 'zed', grants: [{ privileges: ['select', ' Insert '], on: 'b.*' }, { privileges: ['SELECT'], on: 'a.t' }] });
    new IamDatabaseUser(stack, 'Amy', { provisioner, username: 'amy', grants: [{ privileges: ['SELECT'], on: 'c.*' }] });

    const users = decodeUserSpecs(onlyResourceOfType(Template.fromStack(stack), PROVISIONER_RESOURCE_TYPE).properties[ProvisionerProperty.Users]);

    expect(users.map((user) => user.username)).toEqual(['amy', 'zed']);
    expect(users[1].grants).toEqual([{ on: 'a.t', privileges: ['SELECT'] }, { on: 'b.*', privileges: ['INSERT', 'SELECT'] }]);
  });

  it('fits a thousand users of one database in one custom resource, far under 500 resources', () => {
    // Prepare: 1,000 users sharing ten application roles.
    const { stack, provisioner } = databaseFixture();
    const roles = Array.from({ length: 10 }, (_, index) => new Role(stack, `App${index}`, { assumedBy: new AccountRootPrincipal() }));

    // Act
    for (let index = 0; index < 1000; index += 1) {
      new IamDatabaseUser(stack, `User${index}`, {
        provisioner,
        username: `user_${index}`,
        grants: [{ privileges: ['SELECT', 'INSERT'], on: `tenant_${index}.*` }],
        connectPrincipals: [roles[index % roles.length]],
      });
    }
    const template = Template.fromStack(stack);

    // Assess
    const resourceCount = Object.keys(template.toJSON().Resources).length;
    expect(resourceCount).toBeLessThan(500);
    expect(resourcesOfType(template, PROVISIONER_RESOURCE_TYPE)).toHaveLength(1);
    const users = decodeUserSpecs(onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE).properties[ProvisionerProperty.Users]);
    expect(users).toHaveLength(1000);
  });

  it('bundles the handler locally with esbuild, minified, leaving the AWS SDK clients to the runtime', () => {
    // Prepare: real bundling, the one test here that pays for esbuild.
    const { app, stack } = databaseFixture({ bundle: true });

    // Act
    const assembly = app.synth();

    // Assess
    const template = Template.fromStack(stack);
    const handler = resourcesOfType(template, 'AWS::Lambda::Function').find((fn) => fn.properties.VpcConfig !== undefined)!;
    expect(handler.properties).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler', Timeout: 300 });
    const assetKey = (handler.properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    const assetDirectory = path.join(assembly.directory, `asset.${assetKey}`);
    expect(readdirSync(assetDirectory)).toEqual(['admin-token.js', 'index.js']); // no source map
    const bundle = readFileSync(path.join(assetDirectory, 'index.js'), 'utf8');
    const signer = readFileSync(path.join(assetDirectory, 'admin-token.js'), 'utf8');
    expect(bundle).toMatch(/require\("@aws-sdk\/client-secrets-manager"\)/);
    // The IAM admin's token signer is not a client the runtime is known to provide: it ships, in a file of its own
    // that the handler requires on its first admin token, so init and the master-secret path never parse it.
    expect(bundle).toMatch(/require\("\.\/admin-token"\)/);
    expect(bundle).not.toContain('Action:"connect"');
    expect(signer).toContain('Action:"connect"');
    expect(signer).not.toMatch(/require\("@aws-sdk\/rds-signer"\)/);
    // mysql2 and zod minified come to about 1.1 MB, the signer with its credential providers 0.4 MB; unminified they are more than twice that.
    expect(bundle.length).toBeLessThan(1_300_000);
    expect(signer.length).toBeLessThan(600_000);
  });
});

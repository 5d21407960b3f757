import { createHash } from 'node:crypto';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  EnvironmentConfig,
  environmentStackName,
  environmentUserSpecs,
  listEnvironments,
} from '../../app/environments';
import { ProvisionerProperty, decodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import { normalizeTemplate } from '../support/normalize-template';
import { reviewerTemplateView } from '../support/reviewer-template-view';
import { SynthesizedStack, synthesizeEnvironment } from '../support/synth-stacks';
import {
  actionsOf,
  egressRules,
  onlyResourceOfType,
  policyStatements,
  renderedDbUserArn,
  resourcesOf,
  resourcesOfType,
} from '../support/template-queries';
import type { IamDatabaseStack } from '../../app/stacks/iam-database-stack';

/** Reviewer view text, printed into the snapshot file as its lines. */
class ReviewerView {
  constructor(public readonly text: string) {}
}

expect.addSnapshotSerializer({
  test: (value: unknown) => value instanceof ReviewerView,
  serialize: (value: ReviewerView) => value.text.trimEnd(),
});

/** How the template refers to the database's resource id, per kind of database. */
function resourceIdExpression(template: Template, environment: EnvironmentConfig): unknown {
  switch (environment.database.kind) {
    case 'aurora-mysql-cluster':
      return { 'Fn::GetAtt': [onlyResourceOfType(template, 'AWS::RDS::DBCluster').logicalId, 'DBClusterResourceId'] };
    case 'rds-instance':
      return { 'Fn::GetAtt': [onlyResourceOfType(template, 'AWS::RDS::DBInstance').logicalId, 'DbiResourceId'] };
    case 'existing-cluster':
    case 'existing-instance':
      return { 'Fn::GetAtt': [onlyResourceOfType(template, 'Custom::RdsIamAuthDatabase').logicalId, 'ResourceId'] };
  }
}

/** How a policy's `Roles` entry names the role a user config points at. */
function roleReferences(template: Template, environment: EnvironmentConfig, username: string): unknown[] {
  const user = environment.users.find((declared) => declared.username === username)!;
  const created = (user.connectRoles ?? []).map((name) => {
    const role = resourcesOfType(template, 'AWS::IAM::Role').find(
      (candidate) => candidate.properties.RoleName === `${environmentStackName(environment)}-${name}`,
    );
    if (role === undefined) throw new Error(`role ${name} not found`);
    return { Ref: role.logicalId };
  });
  const imported = (user.connectRoleArns ?? []).map((arn) => arn.split(':role/')[1]);
  return [...created, ...imported];
}

describe.each(listEnvironments().map((environment) => [environment.name, environment] as const))(
  'the %s environment stack',
  (_name, environment) => {
    let synthesized: SynthesizedStack<IamDatabaseStack>;
    let template: Template;

    beforeAll(() => {
      synthesized = synthesizeEnvironment(environment);
      template = synthesized.template;
    });

    it('is named after the environment and deploys to its account and region', () => {
      expect(synthesized.stack.stackName).toBe(`RdsIamMysql-${environment.name}`);
      expect(synthesized.stack.account).toBe(environment.account);
      expect(synthesized.stack.region).toBe(environment.region);
    });

    it('shows a reviewer its network rules and IAM policies in a snapshot, whatever the Lambda bundles contain', () => {
      // Database access has its own snapshot (access-snapshots.test.ts); the rest of the template is plumbing.
      expect(new ReviewerView(reviewerTemplateView(normalizeTemplate(template.toJSON())))).toMatchSnapshot();
    });

    it('raises no broad-grant warning at synth: each broad grant it ships carries its reason', () => {
      const warnings = Annotations.fromStack(synthesized.stack).findWarning('*', Match.stringLikeRegexp('rds-iam-mysql:'));
      expect(warnings.map((warning) => String(warning.entry.data))).toEqual([]);
    });

    it('freezes the custom resource properties the provisioner Lambda receives', () => {
      const { properties } = onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE);
      expect(normalizeTemplate(properties)).toMatchSnapshot();
    });

    it('passes the cdk-nag AwsSolutions checks with no unsuppressed error', () => {
      expect(synthesized.nagErrors).toEqual([]);
    });

    it('turns IAM database authentication on for every database it creates', () => {
      const databases = [
        ...resourcesOfType(template, 'AWS::RDS::DBCluster'),
        ...resourcesOfType(template, 'AWS::RDS::DBInstance').filter((instance) => instance.properties.DBClusterIdentifier === undefined),
      ];
      for (const database of databases) {
        expect(database.properties.EnableIAMDatabaseAuthentication).toBe(true);
        // RDS generates and keeps the master password in Secrets Manager.
        expect(database.properties.ManageMasterUserPassword).toBe(true);
        expect(database.properties.MasterUserPassword).toBeUndefined();
      }
    });

    it('provisions every user of the database with one custom resource carrying exactly the contract properties', () => {
      const provisioner = onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE);
      // A set this small travels in the properties (Users), not in an S3 object (UsersObject); the shipped
      // environments log in as the master with its secret, not as an IAM admin user (AdminIamUsername).
      const inline = Object.values(ProvisionerProperty).filter((name) => name !== ProvisionerProperty.UsersObject && name !== ProvisionerProperty.AdminIamUsername);
      expect(Object.keys(provisioner.properties).sort()).toEqual(['ServiceToken', 'ServiceTimeout', ...inline].sort());
      // CloudFormation invokes the provisioner itself (no Provider framework in between) and waits a bounded time.
      expect(provisioner.properties.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^UserProvisionerHandler/), 'Arn'] });
      expect(provisioner.properties.DatabaseResourceId).toEqual({
        'Fn::GetAtt': [expect.any(String), environment.database.kind === 'rds-instance' ? 'DbiResourceId' : expect.stringMatching(/ResourceId$/)],
      });
      const users = decodeUserSpecs(provisioner.properties[ProvisionerProperty.Users]);
      expect(users.map((user) => user.username).sort()).toEqual(environmentUserSpecs(environment).map((user) => user.username).sort());
      for (const declared of environmentUserSpecs(environment)) {
        const sent = users.find((user) => user.username === declared.username)!;
        expect(sent).toMatchObject({
          requireSsl: declared.requireSsl,
          removalPolicy: declared.removalPolicy,
          adoptExistingUser: declared.adoptExistingUser,
        });
      }
    });

    it('allows each role rds-db:connect on exactly the ARNs of the users that name it', () => {
      const resourceId = resourceIdExpression(template, environment);
      const connectStatements = policyStatements(template).filter(({ statement }) => actionsOf(statement).includes('rds-db:connect'));
      for (const user of environment.users) {
        const arn = renderedDbUserArn(environment.region, environment.account, resourceId, user.username);
        const grantedTo = connectStatements.filter(({ statement }) => resourcesOf(statement).some((resource) => JSON.stringify(resource) === JSON.stringify(arn)));
        expect(grantedTo.flatMap(({ roles }) => roles)).toEqual(expect.arrayContaining(roleReferences(template, environment, user.username)));
      }
      for (const { statement } of connectStatements) {
        expect(actionsOf(statement)).toEqual(['rds-db:connect']);
        for (const resource of resourcesOf(statement)) {
          const rendered = JSON.stringify(resource);
          expect(rendered).toContain(':dbuser:');
          expect(rendered).not.toContain('*');
        }
      }
    });

    it('runs the provisioner in the VPC with a security group that allows only the database port and HTTPS', () => {
      const provisionerFunctions = resourcesOfType(template, 'AWS::Lambda::Function').filter((fn) =>
        String(fn.properties.Description ?? '').startsWith('rds-iam-mysql: converges'),
      );
      expect(provisionerFunctions).toHaveLength(1);
      const [handler] = provisionerFunctions;
      expect(handler.properties.Runtime).toBe('nodejs24.x');
      const vpcConfig = handler.properties.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
      expect(vpcConfig.SubnetIds.length).toBeGreaterThanOrEqual(2);
      expect(vpcConfig.SecurityGroupIds).toHaveLength(1);

      const [securityGroupRef] = vpcConfig.SecurityGroupIds as [{ 'Fn::GetAtt': [string, string] }];
      const databasePort = onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE).properties[ProvisionerProperty.Port];
      const portRanges = egressRules(template, securityGroupRef['Fn::GetAtt'][0]).map((rule) => JSON.stringify([rule.FromPort, rule.ToPort]));
      expect(portRanges.sort()).toEqual([JSON.stringify([443, 443]), JSON.stringify([databasePort, databasePort])].sort());
    });

    it('lets the provisioner read the master secret of its database and no other secret', () => {
      const secretStatements = policyStatements(template).filter(({ statement }) =>
        actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
      );
      expect(secretStatements).toHaveLength(1);
      const [{ statement }] = secretStatements;
      expect(actionsOf(statement).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
      const provisioner = onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE);
      expect(resourcesOf(statement)).toEqual([provisioner.properties[ProvisionerProperty.MasterSecretArn]]);
    });

    it('puts no secret value in the template', () => {
      const rendered = JSON.stringify(template.toJSON());
      expect(rendered).not.toMatch(/"MasterUserPassword"|SecretString|resolve:secretsmanager/);
      expect(resourcesOfType(template, 'AWS::SecretsManager::Secret')).toEqual([]);
    });
  },
);

describe('snapshot normalization', () => {
  it('removes every asset hash, so a change of Lambda code alone leaves the snapshots as they are', () => {
    // Prepare: a real template, and the same template as it would be after a code change (every asset hash new).
    const [environment] = listEnvironments();
    const rendered = JSON.stringify(synthesizeEnvironment(environment, { bundle: false }).template.toJSON());
    const assetHashes = new Set(rendered.match(/[0-9a-f]{64}/g));
    const afterCodeChange = [...assetHashes].reduce(
      (text, hash) => text.split(hash).join(createHash('sha256').update(hash).digest('hex')),
      rendered,
    );

    // Act
    const normalized = normalizeTemplate(JSON.parse(rendered));

    // Assess: one asset per function at least, none left after normalization, same snapshot either way.
    expect(assetHashes.size).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(normalized)).not.toMatch(/[0-9a-f]{64}/);
    expect(normalizeTemplate(JSON.parse(afterCodeChange))).toEqual(normalized);
  });
});

import { Template } from 'aws-cdk-lib/assertions';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import { ProvisionerProperty } from '../../lib/contracts/provisioner/provisioner-properties';
import { databaseFixture, type FixtureOptions } from '../support/database-fixtures';
import { declarationError } from '../support/declaration-error';
import { actionsOf, egressRules, onlyResourceOfType, policyStatements, renderedDbUserArn, resourcesOf, resourcesOfType } from '../support/template-queries';

/**
 * `DatabaseUserProvisioner`'s `adminUser`: the Lambda logs in as an IAM admin user, so its role may connect as that
 * one user and read no secret, and its network reaches the database port only.
 */

const ADMIN = 'users_admin';

/** The provisioner Lambda (the one in the VPC) and the logical id of its role. */
function provisionerRoleId(template: Template): string {
  const handler = resourcesOfType(template, 'AWS::Lambda::Function').find((fn) => fn.properties.VpcConfig !== undefined)!;
  return (handler.properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

function provisionerSecurityGroupId(template: Template): string {
  const handler = resourcesOfType(template, 'AWS::Lambda::Function').find((fn) => fn.properties.VpcConfig !== undefined)!;
  return (handler.properties.VpcConfig as { SecurityGroupIds: [{ 'Fn::GetAtt': [string] }] }).SecurityGroupIds[0]['Fn::GetAtt'][0];
}

function withAdmin(options: FixtureOptions = {}): Template {
  const { stack, provisioner } = databaseFixture({ ...options, provisioner: { adminUser: { iamUsername: ADMIN }, ...options.provisioner } });
  new IamDatabaseUser(stack, 'Orders', { provisioner, username: 'orders_api', grants: [{ privileges: ['SELECT'], on: 'orders.*' }] });
  return Template.fromStack(stack);
}

describe('DatabaseUserProvisioner with an IAM admin user', () => {
  it.each([
    ['an Aurora cluster', 'aurora-mysql', 'AWS::RDS::DBCluster', 'DBClusterResourceId'],
    ['a MySQL instance', 'mysql-instance', 'AWS::RDS::DBInstance', 'DbiResourceId'],
  ] as const)('on %s, lets the Lambda connect as exactly the admin and read no secret', (_case, kind, type, attribute) => {
    // Act
    const template = withAdmin({ kind });

    // Assess
    const role = { Ref: provisionerRoleId(template) };
    const statements = policyStatements(template).filter(({ roles }) => JSON.stringify(roles).includes(JSON.stringify(role)));
    expect(statements.map(({ statement }) => actionsOf(statement))).toEqual([['rds-db:connect']]);
    const databaseId = onlyResourceOfType(template, type).logicalId;
    expect(resourcesOf(statements[0].statement)).toEqual([renderedDbUserArn('us-east-1', '123456789012', { 'Fn::GetAtt': [databaseId, attribute] }, ADMIN)]);
    expect(JSON.stringify(template.toJSON())).not.toContain('secretsmanager:');
  });

  it('names the admin in the custom resource instead of the master secret', () => {
    // Act
    const { properties } = onlyResourceOfType(withAdmin(), PROVISIONER_RESOURCE_TYPE);

    // Assess
    expect(properties[ProvisionerProperty.AdminIamUsername]).toBe(ADMIN);
    expect(properties).not.toHaveProperty(ProvisionerProperty.MasterSecretArn);
  });

  it.each([
    ['isolated subnets', 'isolated'],
    ['private subnets with a NAT gateway', 'private'],
  ] as const)('in %s, makes no Secrets Manager endpoint and allows no HTTPS out: the database port only', (_case, subnets) => {
    // Act
    const template = withAdmin({ subnets });

    // Assess
    expect(resourcesOfType(template, 'AWS::EC2::VPCEndpoint')).toEqual([]);
    const rules = egressRules(template, provisionerSecurityGroupId(template));
    expect(rules.filter((rule) => rule.FromPort === 443)).toEqual([]);
    const cluster = onlyResourceOfType(template, 'AWS::RDS::DBCluster').logicalId;
    expect(rules.map((rule) => rule.FromPort)).toEqual([{ 'Fn::GetAtt': [cluster, 'Endpoint.Port'] }]);
  });

  it('keeps the master secret path without adminUser (the default)', () => {
    // Act
    const { stack } = databaseFixture();
    const template = Template.fromStack(stack);

    // Assess
    expect(onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE).properties).not.toHaveProperty(ProvisionerProperty.AdminIamUsername);
    expect(JSON.stringify(template.toJSON())).toContain('secretsmanager:GetSecretValue');
  });

  describe('refuses at synth', () => {
    it('a declared user named like the admin (in any case), naming the user and the fix', () => {
      // Prepare
      const { stack, provisioner } = databaseFixture({ provisioner: { adminUser: { iamUsername: ADMIN } } });

      // Act
      const error = declarationError(() => new IamDatabaseUser(stack, 'Impostor', { provisioner, username: 'Users_Admin', grants: [{ privileges: ['SELECT'], on: 'orders.*' }] }));

      // Assess
      expect(error.message).toContain('Fixture/Impostor: invalid database user declaration');
      expect(error.message).toContain('is the IAM admin user the provisioner logs in as, which it never creates, changes or drops; choose another name');
    });

    it.each([
      ['the master user', 'admin', '"admin": is the master user of this database, which logs in with a password. Fix: create a separate IAM admin user'],
      ['the master user in another case', 'ADMIN', '"ADMIN": is the master user of this database'],
      ['a name with a quote', "admin'--", `"admin'--": may contain only ASCII letters, digits, _ and $. Fix: name the IAM admin user the platform team created`],
      ['a name RDS keeps', 'rdsadmin', '"rdsadmin": is the account RDS manages the database with'],
      ['a name longer than MySQL allows', 'a'.repeat(90), `"${'a'.repeat(64)}": must be at most 32 characters (it has 90)`],
      ['an empty name', '', '"": a user name is required'],
    ])('an admin that is %s', (_case, iamUsername, message) => {
      // Act
      const error = declarationError(() => databaseFixture({ provisioner: { adminUser: { iamUsername } } }));

      // Assess
      expect(error.message).toContain('Fixture/Provisioner: adminUser.iamUsername ');
      expect(error.message).toContain(message);
    });

    it('a Secrets Manager endpoint asked for alongside the admin', () => {
      // Act
      const error = declarationError(() => databaseFixture({ provisioner: { adminUser: { iamUsername: ADMIN }, createSecretsManagerEndpoint: true } }));

      // Assess
      expect(error.message).toContain('is given together with createSecretsManagerEndpoint: true, but an IAM admin reads no secret. Fix: leave createSecretsManagerEndpoint out');
    });
  });
});

import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import { databaseFixture } from '../support/database-fixtures';
import { resourcesOfType } from '../support/template-queries';

/** Every rds-db:connect statement of the template's policies. */
function connectStatements(template: Template): { Resource: unknown }[] {
  return [...resourcesOfType(template, 'AWS::IAM::Policy'), ...resourcesOfType(template, 'AWS::IAM::ManagedPolicy')]
    .flatMap((policy) => (policy.properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement)
    .filter((statement) => statement.Action === 'rds-db:connect');
}

describe('rds-db:connect grants', () => {
  it('give one role one statement per database listing the exact ARN of each user it may connect as', () => {
    const { stack, provisioner } = databaseFixture();
    const role = new Role(stack, 'Service', { assumedBy: new AccountRootPrincipal() });
    for (let index = 0; index < 300; index += 1) {
      const user = new IamDatabaseUser(stack, `User${index}`, { provisioner, username: `tenant_${index}`, grants: [{ on: `t${index}.*`, privileges: ['SELECT'] }] });
      user.grantConnect(role);
      user.grantConnect(role); // granted twice: listed once
    }

    const statements = connectStatements(Template.fromStack(stack));

    expect(statements).toHaveLength(1);
    const resources = statements[0].Resource as { 'Fn::Join': [string, unknown[]] }[];
    expect(resources).toHaveLength(300);
    const usernames = resources.map((resource) => /\/(tenant_\d+)"/.exec(JSON.stringify(resource))?.[1]);
    expect(new Set(usernames)).toEqual(new Set(Array.from({ length: 300 }, (_, index) => `tenant_${index}`)));
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });

  it('stop at synth, naming the role, the user count and the fix, before the role would exceed IAM policy quotas', () => {
    const { stack, provisioner } = databaseFixture();
    const role = new Role(stack, 'Service', { assumedBy: new AccountRootPrincipal() });
    for (let index = 0; index < 700; index += 1) {
      new IamDatabaseUser(stack, `User${index}`, {
        provisioner, username: `tenant_user_${index}`, grants: [{ on: `t${index}.*`, privileges: ['SELECT'] }], connectPrincipals: [role],
      });
    }

    expect(() => Template.fromStack(stack)).toThrow(/Fixture\/Service is allowed rds-db:connect as 700 database users: .*Give the users to several roles/);
  });
});

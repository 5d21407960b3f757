import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { userSetOfTemplate } from '../../lib/cli/template-user-set';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import { environmentStackName, environmentUserSpecs, getEnvironment } from '../../app/environments';
import { encodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { IamDatabaseStack } from '../../app/stacks/iam-database-stack';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { SKIP_BUNDLING_CONTEXT, TEST_APP_PROPS } from '../support/synth-stacks';
import { userSpec } from '../support/user-specs';

const ORIGIN = 'the deployed template of stack RdsIamMysql-dev';
const REPORTING: DatabaseUserSpec = userSpec('reporting_ro', { grants: [{ on: 'orders.*', privileges: ['SELECT'] }] });

/** A template with these resources, as CloudFormation's GetTemplate returns it. */
function templateBody(resources: Record<string, unknown>): string {
  return JSON.stringify({ Resources: resources });
}

function provisionerResource(users: unknown, metadata?: Record<string, unknown>): Record<string, unknown> {
  return {
    Type: PROVISIONER_RESOURCE_TYPE,
    Properties: { ServiceToken: { 'Fn::GetAtt': ['OnEvent', 'Arn'] }, Engine: 'mysql', Users: users },
    ...(metadata === undefined ? {} : { Metadata: metadata }),
  };
}

describe('userSetOfTemplate', () => {
  it('reads the user set of an environment stack as the CDK app synthesizes it', () => {
    // Prepare: the real dev stack, without bundling the Lambda (only the template matters here), with the resource
    // path metadata the cdk CLI turns on.
    const environment = getEnvironment('dev');
    const app = new App({ ...TEST_APP_PROPS, context: { ...SKIP_BUNDLING_CONTEXT, 'aws:cdk:enable-path-metadata': true } });
    const stack = new IamDatabaseStack(app, environmentStackName(environment), { environmentConfig: environment });
    const synthesized = JSON.stringify(Template.fromStack(stack).toJSON());

    // Act
    const found = userSetOfTemplate(synthesized, 'cdk.out/RdsIamMysql-dev.template.json');

    // Assess
    expect(found).toMatchObject({ found: true, synthesizedInStack: 'RdsIamMysql-dev' });
    const usernames = found.found ? found.users.map((user) => user.username) : [];
    expect(usernames.sort()).toEqual(environmentUserSpecs(environment).map((user) => user.username).sort());
  });

  it('decodes the Users property of the one provisioner resource, with its logical id', () => {
    const body = templateBody({
      Queue: { Type: 'AWS::SQS::Queue' },
      UsersResource: provisionerResource(encodeUserSpecs([REPORTING]), { 'aws:cdk:path': 'RdsIamMysql-dev/UserProvisioner/Users/Default' }),
    });

    expect(userSetOfTemplate(body, ORIGIN)).toEqual({
      found: true,
      logicalId: 'UsersResource',
      users: [REPORTING],
      delivery: 'properties',
      synthesizedInStack: 'RdsIamMysql-dev',
    });
  });

  it('says so when the template has no provisioner resource', () => {
    expect(userSetOfTemplate(templateBody({ Queue: { Type: 'AWS::SQS::Queue' } }), ORIGIN)).toEqual({ found: false });
  });

  it.each([
    ['not JSON', 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n', 'is not a JSON template'],
    ['no Resources', JSON.stringify({ Outputs: {} }), 'it has no Resources object'],
    [
      'two provisioner resources',
      templateBody({ A: provisionerResource(encodeUserSpecs([])), B: provisionerResource(encodeUserSpecs([])) }),
      `has 2 ${PROVISIONER_RESOURCE_TYPE} resources (A, B)`,
    ],
    [
      'Users given by an intrinsic function',
      templateBody({ A: provisionerResource({ 'Fn::Join': ['', ['[', ']']] }) }),
      'resource A (Custom::RdsIamDatabaseUsers) has property Users = {"Fn::Join":["",["[","]"]]}, not a literal string',
    ],
    ['Users missing', templateBody({ A: provisionerResource(undefined) }), 'property Users = nothing (the property is missing)'],
    [
      'Users not in the wire format',
      templateBody({ A: provisionerResource(JSON.stringify([{ username: 'x' }])) }),
      'resource A property Users is not a user set this version can read',
    ],
  ])('refuses a template with %s, naming the template and the fix', (_case, body, message) => {
    const read = () => userSetOfTemplate(body, ORIGIN);

    expect(read).toThrow(message);
    expect(read).toThrow(ORIGIN);
    expect(read).toThrow(expect.objectContaining({ code: 'RDS_IAM_CLI_DEPLOYED_STATE_INVALID' }));
  });
});

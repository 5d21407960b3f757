import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DatabaseUserProvisioner, PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import {
  EXISTING_DATABASE_RESOURCE_TYPE,
  ExistingIamAuthDatabase,
  ExistingIamAuthDatabaseProps,
} from '../../lib/constructs/existing-iam-auth-database';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import { ProvisionerProperty } from '../../lib/contracts/provisioner/provisioner-properties';
import { SKIP_BUNDLING_CONTEXT, TEST_APP_PROPS } from '../support/synth-stacks';
import { actionsOf, onlyResourceOfType, policyStatements, renderedDbUserArn, resourcesOf, resourcesOfType } from '../support/template-queries';
import { declarationError } from '../support/declaration-error';

const ACCOUNT = '333333333333';
const REGION = 'eu-west-1';

type PropsOf = Partial<ExistingIamAuthDatabaseProps> | ((stack: Stack) => Partial<ExistingIamAuthDatabaseProps>);

function importedDatabase(propsOf: PropsOf = { clusterIdentifier: 'orders-prod' }) {
  const app = new App({ ...TEST_APP_PROPS, context: SKIP_BUNDLING_CONTEXT });
  const stack = new Stack(app, 'Imported', { env: { account: ACCOUNT, region: REGION } });
  const vpc = Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
    isolatedSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60001', 'rtb-0a1b2c3d4e5f60002'],
  });
  const securityGroup = SecurityGroup.fromSecurityGroupId(stack, 'DatabaseSecurityGroup', 'sg-0a1b2c3d4e5f60718', { mutable: true });
  const props = typeof propsOf === 'function' ? propsOf(stack) : propsOf;
  const database = new ExistingIamAuthDatabase(stack, 'Database', { vpc, securityGroups: [securityGroup], ...props });
  return { stack, database };
}

describe('ExistingIamAuthDatabase', () => {
  describe('an existing cluster with users', () => {
    let template: Template;
    let importId: string;

    beforeAll(() => {
      const { stack, database } = importedDatabase({ clusterIdentifier: 'orders-prod', masterUsername: 'admin' });
      const provisioner = new DatabaseUserProvisioner(stack, 'Provisioner', { database });
      const role = new Role(stack, 'AppRole', { assumedBy: new AccountRootPrincipal() });
      new IamDatabaseUser(stack, 'AppUser', {
        provisioner,
        username: 'app_rw',
        grants: [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'], on: 'orders.*' }],
        connectPrincipals: [role],
      });
      template = Template.fromStack(stack);
      importId = onlyResourceOfType(template, EXISTING_DATABASE_RESOURCE_TYPE).logicalId;
    });

    it('describes the cluster by identifier and keeps IAM authentication on at deletion by default', () => {
      expect(onlyResourceOfType(template, EXISTING_DATABASE_RESOURCE_TYPE).properties).toMatchObject({
        Kind: 'cluster',
        Identifier: 'orders-prod',
        Engine: 'mysql',
        RestoreOnDelete: 'false',
        MasterSecretDeclared: 'false',
      });
    });

    it('grants rds-db:connect on the resource id looked up at deploy time', () => {
      const [connect] = policyStatements(template).filter(({ statement }) => actionsOf(statement).includes('rds-db:connect'));
      expect(resourcesOf(connect.statement)).toEqual([
        renderedDbUserArn(REGION, ACCOUNT, { 'Fn::GetAtt': [importId, 'ResourceId'] }, 'app_rw'),
      ]);
    });

    it('feeds the looked-up endpoint, port and RDS-managed master secret to the provisioner, which waits for the import', () => {
      const provisioner = onlyResourceOfType(template, PROVISIONER_RESOURCE_TYPE);
      expect(provisioner.properties).toMatchObject({
        [ProvisionerProperty.MasterSecretArn]: { 'Fn::GetAtt': [importId, 'MasterSecretArn'] },
        [ProvisionerProperty.Endpoint]: { 'Fn::GetAtt': [importId, 'Endpoint'] },
        [ProvisionerProperty.Port]: { 'Fn::GetAtt': [importId, 'Port'] },
      });
      expect(provisioner.dependsOn).toContain(importId);
      const secretRead = policyStatements(template).filter(({ statement }) => actionsOf(statement).includes('secretsmanager:GetSecretValue'));
      expect(secretRead.map(({ statement }) => statement.Resource)).toEqual([{ 'Fn::GetAtt': [importId, 'MasterSecretArn'] }]);
    });

    it('admits the provisioner into the database security group on the looked-up port', () => {
      const ingress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').filter((rule) => rule.properties.GroupId === 'sg-0a1b2c3d4e5f60718');
      expect(ingress).toHaveLength(1);
      expect(ingress[0].properties).toMatchObject({
        IpProtocol: 'tcp',
        FromPort: { 'Fn::GetAtt': [importId, 'Port'] },
        ToPort: { 'Fn::GetAtt': [importId, 'Port'] },
      });
    });

    it('lets its functions describe and modify that one cluster, nothing else', () => {
      const rdsStatements = policyStatements(template).filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('rds:')));
      expect(rdsStatements).toHaveLength(2); // onEvent and isComplete
      for (const { statement } of rdsStatements) {
        expect(actionsOf(statement)).toEqual(['rds:AddTagsToResource', 'rds:DescribeDBClusters', 'rds:ModifyDBCluster', 'rds:RemoveTagsFromResource']);
        expect(resourcesOf(statement)).toEqual([
          `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:orders-prod`,
        ]);
      }
    });

    it('polls with the Provider framework instead of holding a Lambda while RDS applies the change', () => {
      expect(resourcesOfType(template, 'AWS::StepFunctions::StateMachine')).toHaveLength(1);
      const functions = resourcesOfType(template, 'AWS::Lambda::Function').filter((fn) => String(fn.properties.Description ?? '').includes('IAM database authentication'));
      expect(functions.map((fn) => fn.properties.Handler).sort()).toEqual(['index.isComplete', 'index.onEvent']);
      for (const fn of functions) expect(fn.properties.Timeout).toBe(60);
    });
  });

  it('imports an instance: DbiResourceId, DescribeDBInstances/ModifyDBInstance on its ARN, a declared secret', () => {
    // Prepare
    const { stack, database } = importedDatabase((scope) => ({
      instanceIdentifier: 'billing',
      engine: 'mariadb',
      restoreIamAuthOnDelete: true,
      masterSecret: Secret.fromSecretCompleteArn(scope, 'MasterSecret', 'arn:aws:secretsmanager:eu-west-1:333333333333:secret:billing-master-AbCdEf'),
    }));

    // Act
    const template = Template.fromStack(stack);

    // Assess
    expect(onlyResourceOfType(template, EXISTING_DATABASE_RESOURCE_TYPE).properties).toMatchObject({
      Kind: 'instance', Identifier: 'billing', Engine: 'mariadb', RestoreOnDelete: 'true', MasterSecretDeclared: 'true',
    });
    const rdsStatement = policyStatements(template).find(({ statement }) => actionsOf(statement).includes('rds:ModifyDBInstance'))!;
    expect(actionsOf(rdsStatement.statement)).toEqual(['rds:AddTagsToResource', 'rds:DescribeDBInstances', 'rds:ModifyDBInstance', 'rds:RemoveTagsFromResource']);
    expect(JSON.stringify(rdsStatement.statement.Resource)).toContain(':db:billing');
    expect(database.masterSecret.secretArn).toBe('arn:aws:secretsmanager:eu-west-1:333333333333:secret:billing-master-AbCdEf');
  });

  it.each([
    ['neither identifier', {}, 'give exactly one of clusterIdentifier and instanceIdentifier'],
    ['both identifiers', { clusterIdentifier: 'a', instanceIdentifier: 'b' }, 'give exactly one'],
    ['an identifier with a quote', { clusterIdentifier: "orders'; --" }, 'clusterIdentifier "orders\'; --" is not a DB identifier'],
    ['an identifier starting with a digit', { instanceIdentifier: '1orders' }, 'instanceIdentifier "1orders"'],
    ['an identifier with two hyphens', { clusterIdentifier: 'orders--prod' }, 'is not a DB identifier'],
    ['an identifier ending with a hyphen', { clusterIdentifier: 'orders-' }, 'is not a DB identifier'],
    ['64 characters', { clusterIdentifier: `a${'b'.repeat(63)}` }, 'is not a DB identifier'],
    ['a MariaDB cluster', { clusterIdentifier: 'orders', engine: 'mariadb' as const }, 'only Aurora MySQL clusters'],
  ])('refuses %s at synth', (_label, props, message) => {
    const error = declarationError(() => importedDatabase(props));
    expect(error.message).toContain('Imported/Database');
    expect(error.message).toContain(message);
  });
});

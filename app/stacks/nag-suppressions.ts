import { Stack } from 'aws-cdk-lib';
import type { NagPackSuppression } from 'cdk-nag';
// The module, not the package's barrel: the barrel loads every rule pack (~0.15 s of each synth), which only the
// checks themselves need (app.ts loads them with -c nag=true); suppressions are written on every synth.
import { NagSuppressions } from 'cdk-nag/lib/nag-suppressions';
import type { IConstruct } from 'constructs';
import type { DatabaseUserProvisioner, ExistingIamAuthDatabase } from '../../lib';
import type { AuroraMysqlClusterConfig, RdsInstanceConfig } from '../environments/environment-config';
import type { NewDatabase } from './new-database';

/**
 * The cdk-nag AwsSolutions findings this project accepts, each with its reason, applied to the one resource it is
 * about (never stack-wide) and, for IAM findings, to the one policy or ARN it names.
 */

const LAMBDA_BASIC_EXECUTION = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const LAMBDA_VPC_ACCESS = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

/** The construct id aws-cdk-lib gives its singleton log-retention function (used by `cloudwatchLogsRetention`). */
const LOG_RETENTION_SINGLETON_ID = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a';

const managedPolicyReasons = {
  basic: 'AWSLambdaBasicExecutionRole is the AWS-maintained minimum for a function to write its own CloudWatch logs.',
  vpc: 'AWSLambdaVPCAccessExecutionRole is the AWS-maintained minimum for a function to attach its ENIs in the VPC; ENI actions take no resource ARN.',
};

/** Findings on the Provider framework's own function, which aws-cdk-lib defines (custom-resources Provider). */
export function providerFrameworkSuppressions(): NagPackSuppression[] {
  return [
    { id: 'AwsSolutions-IAM4', reason: `Provider framework function: ${managedPolicyReasons.basic}`, appliesTo: [LAMBDA_BASIC_EXECUTION] },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'The Provider framework invokes the handler by any version or alias (`<function arn>:*`); it is scoped to that one function.',
      appliesTo: [{ regex: '/^Resource::<.+\\.Arn>:\\*$/' }],
    },
    {
      id: 'AwsSolutions-L1',
      reason: 'The Provider framework function runtime is chosen by aws-cdk-lib, not by this project.',
    },
  ];
}

/** Findings on the provisioner: its VPC function's managed policies (it answers CloudFormation itself, no framework). */
export function suppressProvisionerFindings(provisioner: DatabaseUserProvisioner): void {
  NagSuppressions.addResourceSuppressions(provisioner.handler, [
    { id: 'AwsSolutions-IAM4', reason: `Provisioner function: ${managedPolicyReasons.basic}`, appliesTo: [LAMBDA_BASIC_EXECUTION] },
    { id: 'AwsSolutions-IAM4', reason: `Provisioner function: ${managedPolicyReasons.vpc}`, appliesTo: [LAMBDA_VPC_ACCESS] },
  ], true);
}

/** Findings on the import of an existing database: its two functions and the Provider framework with its waiter. */
export function suppressExistingDatabaseFindings(database: ExistingIamAuthDatabase): void {
  for (const handler of [database.onEventHandler, database.isCompleteHandler]) {
    NagSuppressions.addResourceSuppressions(handler, [
      { id: 'AwsSolutions-IAM4', reason: `Import function: ${managedPolicyReasons.basic}`, appliesTo: [LAMBDA_BASIC_EXECUTION] },
    ], true);
  }
  const provider = database.node.findChild('Provider');
  NagSuppressions.addResourceSuppressions(provider, providerFrameworkSuppressions(), true);
  NagSuppressions.addResourceSuppressions(provider.node.findChild('waiter-state-machine'), [
    {
      id: 'AwsSolutions-IAM5',
      reason: 'The waiter state machine writes its log through CloudWatch Logs delivery (logs:CreateLogDelivery, logs:PutResourcePolicy, …), actions that accept no resource ARN.',
      appliesTo: ['Resource::*'],
    },
    {
      id: 'AwsSolutions-SF2',
      reason: 'The Provider framework waiter only polls isComplete every 30 s; its CloudWatch execution log (level ALL) records every step, and aws-cdk-lib offers no X-Ray switch for it.',
    },
  ], true);
}

/** Findings on a database this stack creates, depending on what the environment chose. */
export function suppressDatabaseFindings(created: NewDatabase, config: AuroraMysqlClusterConfig | RdsInstanceConfig): void {
  const suppressions: NagPackSuppression[] = [
    {
      id: 'AwsSolutions-RDS11',
      reason:
        'The default MySQL port is kept so every client works unchanged; only the provisioner and declared security ' +
        'groups are admitted, and every login needs an IAM token over TLS. A different port would only be obscurity.',
    },
  ];
  if (!config.deletionProtection) {
    suppressions.push({
      id: 'AwsSolutions-RDS10',
      reason: 'The environment config sets deletionProtection: false for a disposable environment; a final snapshot is kept on deletion.',
    });
  }
  if (config.kind === 'aurora-mysql-cluster') {
    suppressions.push({
      id: 'AwsSolutions-RDS14',
      reason: 'Recovery is point-in-time restore from the automated backups; Backtrack is not enabled on this Serverless v2 cluster.',
    });
  }
  if (config.kind === 'rds-instance' && !config.multiAz) {
    suppressions.push({
      id: 'AwsSolutions-RDS3',
      reason: 'The environment config sets multiAz: false (a single-AZ, non-production instance).',
    });
  }
  // On the DBCluster / DBInstance resource only: these rules judge nothing else.
  NagSuppressions.addResourceSuppressions(created.construct.node.defaultChild as IConstruct, suppressions);
  suppressLogRetentionFindings(Stack.of(created.construct));
}

/** aws-cdk-lib's log-retention singleton, created for the database's exported logs. */
function suppressLogRetentionFindings(stack: Stack): void {
  const singleton: IConstruct | undefined = stack.node.tryFindChild(LOG_RETENTION_SINGLETON_ID);
  if (singleton === undefined) return;
  NagSuppressions.addResourceSuppressions(singleton, [
    { id: 'AwsSolutions-IAM4', reason: `aws-cdk-lib log-retention function: ${managedPolicyReasons.basic}`, appliesTo: [LAMBDA_BASIC_EXECUTION] },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'aws-cdk-lib log-retention function: sets the retention of log groups RDS creates at run time, whose names are not known at synth.',
      appliesTo: ['Resource::*'],
    },
  ], true);
}

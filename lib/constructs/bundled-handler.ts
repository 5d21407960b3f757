import type { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { builtLambdaBundle } from './lambda-bundle';

export interface BundledHandlerProps {
  /** Folder under `lambda/` (and `dist/lambda/`). */
  readonly lambdaName: string;
  /** Exported function name. @default 'handler' */
  readonly handler?: string;
  readonly description: string;
  readonly timeout: Duration;
  /** @default - not in a VPC */
  readonly vpc?: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * A Lambda function whose code is this package's prebuilt bundle of `lambda/<name>` (`dist/lambda/<name>/`, see
 * lambda-bundle.ts): nothing is bundled at synth, so an app needs neither esbuild nor Docker. Every function of this
 * library is made here so they all run the same way; functions of the same handler share one asset.
 */
export function newBundledHandler(scope: Construct, id: string, props: BundledHandlerProps): LambdaFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
  return new LambdaFunction(scope, id, {
    code: Code.fromAsset(builtLambdaBundle(props.lambdaName)),
    handler: `index.${props.handler ?? 'handler'}`,
    description: props.description,
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: props.timeout,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    logGroup,
  });
}

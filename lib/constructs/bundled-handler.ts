import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Where a handler under `lambda/<name>/index.ts` lives, from `lib/constructs/` (ts) or `dist/lib/constructs/` (js). */
export function lambdaEntry(name: string): string {
  const candidates = [
    path.join(__dirname, '..', '..', 'lambda', name, 'index.ts'),
    path.join(__dirname, '..', '..', '..', 'lambda', name, 'index.ts'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`the Lambda source lambda/${name}/index.ts was not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}

export interface BundledHandlerProps {
  /** Folder under `lambda/`. */
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
 * A `NodejsFunction` bundled on this machine by the local esbuild (never Docker), minified, with the AWS SDK v3 left
 * to the Lambda runtime. Every function of this library is made here so they all bundle the same way: functions with
 * the same entry then share one bundle per synth.
 */
export function newBundledHandler(scope: Construct, id: string, props: BundledHandlerProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
  return new NodejsFunction(scope, id, {
    entry: lambdaEntry(props.lambdaName),
    handler: props.handler ?? 'handler',
    description: props.description,
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 256,
    timeout: props.timeout,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    logGroup,
    bundling: {
      minify: true,
      sourceMap: false,
      target: 'node24',
      format: OutputFormat.CJS,
      externalModules: ['@aws-sdk/*'],
      forceDockerBundling: false,
    },
  });
}

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, FileSystem } from 'aws-cdk-lib';
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

/**
 * A hash of everything a bundle is made from: the Lambda sources (`lambda/`), the library code they import (`lib/`),
 * the locked dependency versions (`package-lock.json`), the TypeScript config, the esbuild version and the bundling
 * options. Given to NodejsFunction as its asset hash, it lets `cdk synth` skip esbuild when `cdk.out` already holds a
 * bundle of the same inputs; any change to those inputs makes a new hash and a new bundle.
 */
export function lambdaSourceFingerprint(entry: string, bundlingOptions: unknown): string {
  const key = `${entry}\n${JSON.stringify(bundlingOptions)}`;
  const known = fingerprints.get(key);
  if (known !== undefined) return known;
  const root = path.dirname(path.dirname(path.dirname(entry)));
  const hash = createHash('sha256');
  for (const input of ['lambda', 'lib', 'package-lock.json', 'tsconfig.json']) {
    const inputPath = path.join(root, input);
    hash.update(`${input}:${existsSync(inputPath) ? FileSystem.fingerprint(inputPath) : 'absent'}\n`);
  }
  hash.update(`esbuild:${installedEsbuildVersion()}\n`);
  hash.update(`options:${JSON.stringify(bundlingOptions)}\n`);
  const fingerprint = hash.digest('hex');
  fingerprints.set(key, fingerprint);
  return fingerprint;
}

/** Computed once per entry and process: sources do not change during a synth. */
const fingerprints = new Map<string, string>();

function installedEsbuildVersion(): string {
  try {
    return (require('esbuild/package.json') as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** How every handler of this library is bundled. */
const BUNDLING = {
  minify: true,
  sourceMap: false,
  target: 'node24',
  format: OutputFormat.CJS,
  // The Node.js 24 Lambda runtime provides AWS SDK v3.
  externalModules: ['@aws-sdk/*'],
  // No Docker on the build machines: the local esbuild devDependency bundles.
  forceDockerBundling: false,
} as const;

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
  const entry = lambdaEntry(props.lambdaName);
  return new NodejsFunction(scope, id, {
    entry,
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
      ...BUNDLING,
      externalModules: [...BUNDLING.externalModules],
      assetHash: lambdaSourceFingerprint(entry, BUNDLING),
    },
  });
}

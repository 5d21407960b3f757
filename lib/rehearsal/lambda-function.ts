import type { AssemblyStack } from './cloud-assembly';
import type { IntrinsicResolver } from './intrinsic-functions';
import { RehearsalError } from './rehearsal-error';

/** A Lambda function of the template, resolved: what Lambda would run and with which settings. */
export interface LambdaFunctionDefinition {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  /** `file.export`, e.g. `index.handler` or `framework.onEvent`. */
  readonly handler: string;
  readonly runtime: string;
  /** The unpacked asset: what Lambda would unzip into /var/task. */
  readonly codeDirectory: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly logGroupName: string;
}

/** Lambda's defaults when the template leaves them out. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;

/**
 * Reads `AWS::Lambda::Function` `logicalId` from the template with its properties resolved, and finds its code in
 * the cloud assembly by the `Code.S3Key` the template names.
 */
export function lambdaFunctionDefinition(stack: AssemblyStack, resolver: IntrinsicResolver, logicalId: string): LambdaFunctionDefinition {
  const resource = stack.template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function') {
    throw new RehearsalError('RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE', `${logicalId} is not an AWS::Lambda::Function (it is ${resource?.Type ?? 'missing'})`);
  }
  const properties = resolver.resolve(resource.Properties ?? {}) as Record<string, unknown>;
  const runtime = String(properties.Runtime ?? '');
  if (!runtime.startsWith('nodejs')) {
    throw new RehearsalError('RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE', `${logicalId} runs ${runtime || 'a container image'}; the rehearsal runs Node.js functions only`);
  }
  const code = (properties.Code ?? {}) as { S3Key?: unknown; ZipFile?: unknown };
  const codeDirectory = typeof code.S3Key === 'string' ? stack.assetDirectoryByObjectKey.get(code.S3Key) : undefined;
  if (codeDirectory === undefined) {
    throw new RehearsalError(
      'RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE',
      `${logicalId}: its code (${JSON.stringify(code.S3Key ?? (code.ZipFile === undefined ? 'none' : 'inline ZipFile')).slice(0, 80)}) is not an asset of the cloud assembly`,
    );
  }
  const environment = ((properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
  const functionName = resolver.resolve({ Ref: logicalId }) as string;
  const logGroup = (properties.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
  return {
    logicalId,
    functionName,
    arn: resolver.resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] }) as string,
    handler: String(properties.Handler ?? 'index.handler'),
    runtime,
    codeDirectory,
    environment: Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value)])),
    timeoutSeconds: Number(properties.Timeout ?? DEFAULT_TIMEOUT_SECONDS),
    memorySize: Number(properties.MemorySize ?? DEFAULT_MEMORY_MB),
    logGroupName: typeof logGroup === 'string' ? logGroup : `/aws/lambda/${functionName}`,
  };
}

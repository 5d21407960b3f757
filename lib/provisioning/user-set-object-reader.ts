import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { checkUserSetDigest, MAX_USER_SET_OBJECT_BYTES, type UserSetObject } from '../contracts/provisioner/user-set-object';
import { RdsIamError } from '../errors/rds-iam-error';
import { AWS_MAX_ATTEMPTS, AWS_REQUEST_TIMEOUT_MS, boundedClientConfig, isUnreachable, sdkErrorDetail } from './bounded-aws-requests';

/** Why a user set object could not be read. */
export type UserSetObjectFailure = 'unreachable' | 'access-denied' | 'not-found' | 'too-large' | 'other';

export class UserSetObjectError extends RdsIamError {
  constructor(
    message: string,
    public readonly failure: UserSetObjectFailure,
    options?: { cause?: unknown },
  ) {
    super('RDS_IAM_USER_SET_OBJECT_UNAVAILABLE', message, options);
    this.name = 'UserSetObjectError';
  }
}

/** An S3 client with the provisioner's bounded timeouts and retries (`bounded-aws-requests.ts`). */
export function createS3Client(region?: string): S3Client {
  return new S3Client(boundedClientConfig(region));
}

const LIKELY_CAUSE: Record<Exclude<UserSetObjectFailure, 'too-large'>, string> = {
  'unreachable':
    `S3 did not answer within ${AWS_REQUEST_TIMEOUT_MS / 1000}s (${AWS_MAX_ATTEMPTS} attempts). The likely cause: the provisioner runs in subnets with no route to S3; ` +
    'add an S3 gateway endpoint to their route tables (DatabaseUserProvisioner does when it creates one: createS3Endpoint) or a NAT gateway',
  'access-denied': "the provisioner's role may not read it: it needs s3:GetObject on the object (and kms:Decrypt when the bucket has its own KMS key)",
  'not-found':
    'the object is gone (an asset garbage collection such as `cdk gc`, or another account or region); deploy again with `cdk deploy`, which uploads it anew',
  'other': 'S3 refused the request',
};

function classify(error: unknown): Exclude<UserSetObjectFailure, 'too-large'> {
  const { name } = (error ?? {}) as { name?: string };
  if (isUnreachable(error)) return 'unreachable';
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'Forbidden') return 'access-denied';
  if (name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound') return 'not-found';
  return 'other';
}

/**
 * Reads the encoded user set from its S3 object and checks it is the one the template names (its SHA-256), so the
 * caller decodes exactly what was synthesized. Bounded in time (the client's timeouts) and in size.
 */
export async function readUserSetObject(location: UserSetObject, client: S3Client): Promise<string> {
  const where = `s3://${location.Bucket}/${location.Key}`;
  let text: string;
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: location.Bucket, Key: location.Key }));
    if (response.ContentLength !== undefined && response.ContentLength > MAX_USER_SET_OBJECT_BYTES) {
      response.Body?.transformToWebStream().cancel().catch(() => undefined);
      throw new UserSetObjectError(
        `the user set object ${where} is ${response.ContentLength} bytes, more than the ${MAX_USER_SET_OBJECT_BYTES} a user set can take: it is not one this construct wrote`,
        'too-large',
      );
    }
    text = (await response.Body?.transformToString('utf8')) ?? '';
  } catch (cause) {
    if (cause instanceof UserSetObjectError) throw cause;
    const failure = classify(cause);
    throw new UserSetObjectError(`could not read the user set object ${where}: ${LIKELY_CAUSE[failure]}${sdkErrorDetail(cause)}`, failure, { cause });
  }
  checkUserSetDigest(text, location);
  return text;
}

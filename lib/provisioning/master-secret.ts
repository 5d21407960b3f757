import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RdsIamError } from '../errors/rds-iam-error';
import { AWS_MAX_ATTEMPTS, AWS_REQUEST_TIMEOUT_MS, boundedClientConfig, isUnreachable, sdkErrorDetail } from './bounded-aws-requests';

/**
 * The RDS master user's credentials, read from the Secrets Manager secret RDS or CDK made.
 * `password` is not enumerable: `JSON.stringify`, `console.log` and spreads leave it out, so a stray log line or
 * error payload that includes the whole object cannot leak it. Read it explicitly as `credentials.password`.
 */
export interface MasterCredentials {
  readonly username: string;
  readonly password: string;
  /** The `host` field, present in secrets CDK and RDS attach to a database. */
  readonly host?: string;
  readonly port?: number;
}

/** Why the secret could not be used, for callers that decide (e.g. a Delete that may skip a vanished database). */
export type MasterSecretFailure = 'unreachable' | 'access-denied' | 'not-found' | 'malformed' | 'other';

export class MasterSecretError extends RdsIamError {
  constructor(
    message: string,
    public readonly secretArn: string,
    public readonly failure: MasterSecretFailure,
    options?: { cause?: unknown },
  ) {
    super('RDS_IAM_MASTER_SECRET_UNAVAILABLE', message, options);
    this.name = 'MasterSecretError';
  }
}

/** A Secrets Manager client with the provisioner's bounded timeouts and retries (`bounded-aws-requests.ts`). */
export function createSecretsManagerClient(region?: string): SecretsManagerClient {
  return new SecretsManagerClient(boundedClientConfig(region));
}

function classify(error: unknown): MasterSecretFailure {
  const { name } = (error ?? {}) as { name?: string };
  if (isUnreachable(error)) return 'unreachable';
  if (name === 'AccessDeniedException' || name === 'DecryptionFailure') return 'access-denied';
  if (name === 'ResourceNotFoundException') return 'not-found';
  return 'other';
}

const LIKELY_CAUSE: Record<Exclude<MasterSecretFailure, 'malformed'>, string> = {
  'unreachable':
    `Secrets Manager did not answer within ${AWS_REQUEST_TIMEOUT_MS / 1000}s (${AWS_MAX_ATTEMPTS} attempts). The likely cause: the provisioner runs in subnets with no route to Secrets Manager; ` +
    'add an interface VPC endpoint for secretsmanager or a NAT gateway to those subnets',
  'access-denied':
    "the provisioner's role may not read it: grant secretsmanager:GetSecretValue on the secret and kms:Decrypt on its key",
  'not-found': 'no such secret exists (deleted, or another account or region); check the MasterSecretArn',
  'other': 'Secrets Manager refused the request',
};

/** Reads `username` and `password` (and `host`, `port` when present) from the master secret. */
export async function readMasterSecret(secretArn: string, client?: SecretsManagerClient): Promise<MasterCredentials> {
  let secretString: string | undefined;
  try {
    const response = await (client ?? createSecretsManagerClient()).send(new GetSecretValueCommand({ SecretId: secretArn }));
    secretString = response.SecretString;
  } catch (cause) {
    const failure = classify(cause);
    const detail = sdkErrorDetail(cause);
    throw new MasterSecretError(
      `could not read the master secret ${secretArn}: ${LIKELY_CAUSE[failure as keyof typeof LIKELY_CAUSE]}${detail}`,
      secretArn,
      failure,
      { cause },
    );
  }
  return parseMasterSecret(secretArn, secretString);
}

/** Never echoes the secret's text: a JSON parse error quotes its input, so no cause is chained here. */
function parseMasterSecret(secretArn: string, secretString: string | undefined): MasterCredentials {
  const malformed = (what: string): MasterSecretError =>
    new MasterSecretError(
      `the master secret ${secretArn} ${what}; it must be the JSON RDS and CDK write: {"username": "...", "password": "...", ...}`,
      secretArn,
      'malformed',
    );
  if (secretString === undefined) throw malformed('has no SecretString (a binary secret?)');
  let fields: unknown;
  try {
    fields = JSON.parse(secretString);
  } catch {
    throw malformed('is not JSON');
  }
  const { username, password, host, port } = (typeof fields === 'object' && fields !== null ? fields : {}) as Record<string, unknown>;
  if (typeof username !== 'string' || username.length === 0) throw malformed('has no "username" string');
  if (typeof password !== 'string' || password.length === 0) throw malformed('has no "password" string');
  const portNumber = typeof port === 'number' ? port : typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : undefined;
  const credentials = {
    username,
    ...(typeof host === 'string' && host.length > 0 ? { host } : {}),
    ...(portNumber === undefined ? {} : { port: portNumber }),
  };
  Object.defineProperty(credentials, 'password', { value: password, enumerable: false });
  return credentials as MasterCredentials;
}

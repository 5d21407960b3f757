import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { performance } from 'node:perf_hooks';
import { connectAsMaster, MasterConnectionError } from '../../lib/provisioning/master-connection';
import { AWS_MAX_ATTEMPTS, AWS_REQUEST_TIMEOUT_MS } from '../../lib/provisioning/bounded-aws-requests';
import { createSecretsManagerClient, MasterSecretError, readMasterSecret } from '../../lib/provisioning/master-secret';
import { createS3Client, readUserSetObject, UserSetObjectError } from '../../lib/provisioning/user-set-object-reader';
import { userSetObjectKey } from '../../lib/contracts/provisioner/user-set-object';
import { ASSET_BUCKET, RDS_MANAGED_CLUSTER_SECRET_ARN } from '../support/aws-shaped-values';
import { startSilentServer, SilentServer } from '../support/silent-server';

/**
 * Endpoints that accept a connection and then say nothing: every wait of the provisioner is bounded, fails well
 * within a minute, and names what stalled.
 */

let silent: SilentServer;
const previousEndpoint = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
const previousS3Endpoint = process.env.AWS_ENDPOINT_URL_S3;
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

beforeAll(async () => {
  silent = await startSilentServer();
});

afterAll(async () => {
  if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = previousEndpoint;
  if (previousS3Endpoint === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
  else process.env.AWS_ENDPOINT_URL_S3 = previousS3Endpoint;
  await silent.stop();
});

describe('a Secrets Manager endpoint that accepts the connection but never answers', () => {
  it('fails after the bounded attempts, saying Secrets Manager did not answer, instead of waiting for the Lambda timeout', async () => {
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${silent.port}`;
    const client: SecretsManagerClient = createSecretsManagerClient('eu-west-1');
    client.config.credentials = async () => CREDENTIALS;
    const acceptedBefore = silent.accepted();
    const start = performance.now();

    const error = await readMasterSecret(RDS_MANAGED_CLUSTER_SECRET_ARN, client).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(MasterSecretError);
    expect((error as MasterSecretError).failure).toBe('unreachable');
    expect((error as MasterSecretError).message).toMatch(/Secrets Manager did not answer within 5s \(3 attempts\)/);
    expect((error as MasterSecretError).message).toContain(RDS_MANAGED_CLUSTER_SECRET_ARN);
    expect(silent.accepted() - acceptedBefore).toBe(AWS_MAX_ATTEMPTS);
    // Bounded by the attempts, not by a Lambda timeout (the SDK's backoff between attempts adds little).
    expect(performance.now() - start).toBeLessThan(AWS_MAX_ATTEMPTS * AWS_REQUEST_TIMEOUT_MS + 10_000);
  }, 60_000);
});

describe('an S3 endpoint that accepts the connection but never answers (a user set kept in an object)', () => {
  it('fails after the bounded attempts, saying S3 did not answer and how to give the subnets a route', async () => {
    process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${silent.port}`;
    const client = createS3Client('eu-west-1');
    client.config.credentials = async () => CREDENTIALS;
    const object = { Bucket: ASSET_BUCKET, Key: userSetObjectKey('a1'.repeat(32)), Sha256: 'b2'.repeat(32) };
    const acceptedBefore = silent.accepted();
    const start = performance.now();

    const error = await readUserSetObject(object, client).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(UserSetObjectError);
    expect((error as UserSetObjectError).failure).toBe('unreachable');
    expect((error as UserSetObjectError).message).toMatch(/S3 did not answer within 5s \(3 attempts\).*S3 gateway endpoint/);
    expect((error as UserSetObjectError).message).toContain(`s3://${ASSET_BUCKET}/${object.Key}`);
    expect(silent.accepted() - acceptedBefore).toBe(AWS_MAX_ATTEMPTS);
    expect(performance.now() - start).toBeLessThan(AWS_MAX_ATTEMPTS * AWS_REQUEST_TIMEOUT_MS + 10_000);
  }, 60_000);
});

describe('a MySQL port that accepts the connection but never sends a handshake', () => {
  it('fails at once as "silent", without retrying as if the server were starting', async () => {
    const acceptedBefore = silent.accepted();

    const error = await connectAsMaster({
      host: '127.0.0.1', servername: 'localhost', port: silent.port, user: 'admin', password: 'Master-Pa55word-x',
      connectTimeoutMs: 2_000, retryForMs: 60_000,
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(MasterConnectionError);
    expect((error as MasterConnectionError).failure).toBe('silent');
    expect((error as MasterConnectionError).message).toMatch(/accepted the TCP connection but sent no MySQL handshake/);
    expect((error as MasterConnectionError).message).not.toContain('Master-Pa55word-x');
    expect(silent.accepted() - acceptedBefore).toBe(1);
  });
});

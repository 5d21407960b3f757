import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { inspect } from 'node:util';
import { MasterSecretError, readMasterSecret } from '../../lib/provisioning/master-secret';

const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-master-AbCdEf';
const password = 'S3cret-master-Pa55word';
const secretsManager = mockClient(SecretsManagerClient);

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

async function failure(promise: Promise<unknown>): Promise<MasterSecretError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MasterSecretError);
    return error as MasterSecretError;
  }
  throw new Error('expected a MasterSecretError');
}

describe('readMasterSecret', () => {
  beforeEach(() => secretsManager.reset());

  it('reads username, password, host and port from the secret RDS and CDK write', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({
      SecretString: JSON.stringify({ username: 'admin', password, host: 'db.example.com', port: 3306, engine: 'mysql' }),
    });

    const credentials = await readMasterSecret(secretArn, new SecretsManagerClient({ region: 'eu-west-1' }));

    expect(credentials).toEqual({ username: 'admin', host: 'db.example.com', port: 3306 });
    expect(credentials.password).toBe(password);
  });

  it('keeps the password out of JSON, inspection and spreads of the credentials', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'admin', password }) });

    const credentials = await readMasterSecret(secretArn, new SecretsManagerClient({ region: 'eu-west-1' }));

    expect(JSON.stringify(credentials)).not.toContain(password);
    expect(inspect(credentials)).not.toContain(password);
    expect(JSON.stringify({ ...credentials })).not.toContain(password);
  });

  it.each([
    ['no route (a timeout)', awsError('TimeoutError', 'socket timed out'), 'unreachable', /no route to Secrets Manager.*VPC endpoint/],
    ['access denied', awsError('AccessDeniedException', 'not authorized'), 'access-denied', /secretsmanager:GetSecretValue/],
    ['a missing secret', awsError('ResourceNotFoundException', 'not found'), 'not-found', /no such secret/],
  ] as const)('names the secret and the likely cause on %s', async (_case, error, kind, message) => {
    secretsManager.on(GetSecretValueCommand).rejects(error);

    const thrown = await failure(readMasterSecret(secretArn, new SecretsManagerClient({ region: 'eu-west-1' })));

    expect(thrown.code).toBe('RDS_IAM_MASTER_SECRET_UNAVAILABLE');
    expect(thrown.failure).toBe(kind);
    expect(thrown.message).toContain(secretArn);
    expect(thrown.message).toMatch(message);
  });

  it.each([
    ['not JSON', `password=${password}`],
    ['without a username', JSON.stringify({ password })],
    ['without a password', JSON.stringify({ username: 'admin', pass: password })],
  ])('refuses a secret %s without quoting it', async (_case, secretString) => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString });

    const thrown = await failure(readMasterSecret(secretArn, new SecretsManagerClient({ region: 'eu-west-1' })));

    expect(thrown.failure).toBe('malformed');
    expect(inspect(thrown, { depth: 5 })).not.toContain(password);
  });
});

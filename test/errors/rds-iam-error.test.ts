import { CliFailure, exitCodeFor, ExitCode } from '../../lib/cli/cli-context';
import { DatabaseNotFoundError, HostnameMismatchError, TlsRequiredError } from '../../lib/client/client-errors';
import { EmulatorError } from '../../lib/emulator/emulator-error';
import { RDS_IAM_ERROR_CODES } from '../../lib/errors/rds-iam-error-code';
import { isRdsIamErrorCode, RdsIamError } from '../../lib/errors/rds-iam-error';
import { MasterSecretError } from '../../lib/provisioning/master-secret';
import { ExistingIamAuthDatabaseError } from '../../lambda/existing-iam-auth-database/existing-iam-auth-database-error';
import { ProvisionerEventError } from '../../lib/contracts/provisioner';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!cluster-0f3c2b1a-9d8e-4f7a-b6c5-d4e3f2a1b0c9-AbCdEf';

describe('RdsIamError', () => {
  it('keeps its code when a driver overwrites error.code (mysql2 sets AUTH_SWITCH_PLUGIN_ERROR on plugin errors)', () => {
    // Prepare
    const error = new TlsRequiredError('refusing to send the token without verified TLS');

    // Act
    (error as { code: string }).code = 'AUTH_SWITCH_PLUGIN_ERROR';

    // Assess
    expect(error.code).toBe('RDS_IAM_TLS_REQUIRED');
  });

  it.each([
    ['client', new HostnameMismatchError('m'), 'RDS_IAM_HOSTNAME_MISMATCH'],
    ['lookup', new DatabaseNotFoundError('m'), 'RDS_IAM_DATABASE_NOT_FOUND'],
    ['provisioning', new MasterSecretError('m', SECRET_ARN, 'not-found'), 'RDS_IAM_MASTER_SECRET_UNAVAILABLE'],
    ['provisioner contract', new ProvisionerEventError('m'), 'RDS_IAM_INVALID_PROVISIONER_EVENT'],
    ['existing database', new ExistingIamAuthDatabaseError('RDS_IAM_MODIFY_FAILED', 'm'), 'RDS_IAM_MODIFY_FAILED'],
    ['emulator', new EmulatorError('EMULATOR_SERVER_FAILED', 'm'), 'EMULATOR_SERVER_FAILED'],
    ['CLI', new CliFailure('RDS_IAM_CLI_USAGE', 'm'), 'RDS_IAM_CLI_USAGE'],
  ] as const)('the %s error derives from it, with a code from the one list', (_part, error, code) => {
    expect(error).toBeInstanceOf(RdsIamError);
    expect(error.code).toBe(code);
    expect(isRdsIamErrorCode(error.code)).toBe(true);
  });

  it('chains the cause', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com'), { code: 'ENOTFOUND' });
    expect(new RdsIamError('RDS_IAM_MASTER_CONNECTION_FAILED', 'could not connect', { cause }).cause).toBe(cause);
  });

  it('lists every code once', () => {
    expect(new Set(RDS_IAM_ERROR_CODES).size).toBe(RDS_IAM_ERROR_CODES.length);
  });

  it("tells a driver's code from ours", () => {
    expect(isRdsIamErrorCode('ER_ACCESS_DENIED_ERROR')).toBe(false);
    expect(isRdsIamErrorCode(undefined)).toBe(false);
  });
});

describe('exitCodeFor', () => {
  it.each([new CliFailure('RDS_IAM_CLI_USAGE', 'm'), new DatabaseNotFoundError('m'), new Error('m'), 'thrown text'])('exits 1 on %p', (error) => {
    expect(exitCodeFor(error)).toBe(ExitCode.Failure);
  });
});

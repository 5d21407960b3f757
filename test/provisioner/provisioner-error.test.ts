import { inspect } from 'node:util';
import { ProvisionerError } from '../../lambda/provisioner/provisioner-error';
import { RdsIamError } from '../../lib/errors/rds-iam-error';
import { redactedErrorChain, redactSecrets } from '../../lib/provisioning/redact-secrets';

const password = 'S3cret-master-Pa55word';

describe('ProvisionerError', () => {
  it('keeps the code and the message but blanks the password out of message, stack and cause chain', () => {
    const root = Object.assign(new Error(`driver said ${password}`), { code: 'ER_ACCESS_DENIED_ERROR' });
    const original = new RdsIamError('RDS_IAM_MASTER_CONNECTION_FAILED', `failed with ${password}`, { cause: root });

    const safe = ProvisionerError.from(original, [password]);

    expect(safe.code).toBe('RDS_IAM_MASTER_CONNECTION_FAILED');
    expect(safe.message).toBe('failed with ***');
    expect(inspect(safe, { depth: 10 })).not.toContain(password);
    expect((safe.cause as Error & { code: string }).code).toBe('ER_ACCESS_DENIED_ERROR');
  });

  it('gives a generic code to errors that have none', () => {
    expect(ProvisionerError.from('boom', []).code).toBe('RDS_IAM_PROVISIONER_FAILED');
  });

  it("reports a driver's own code as a provisioner failure that quotes it", () => {
    const driverError = Object.assign(new Error(`Access denied for user 'admin'@'10.0.3.7' (using password: YES)`), { code: 'ER_ACCESS_DENIED_ERROR' });

    const safe = ProvisionerError.from(driverError, [password]);

    expect(safe).toMatchObject({ code: 'RDS_IAM_PROVISIONER_FAILED', message: expect.stringContaining('(ER_ACCESS_DENIED_ERROR)') });
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence and ignores absent secrets', () => {
    expect(redactSecrets('a-pw-b-pw', ['pw', undefined, ''])).toBe('a-***-b-***');
  });
});

describe('redactedErrorChain', () => {
  it('copies name, code, message and stack of each cause, without the secret, a bounded number of levels deep', () => {
    let error: Error = Object.assign(new Error(`innermost ${password}`), { code: 'ECONNRESET' });
    for (let level = 1; level <= 7; level += 1) error = new Error(`level ${level} ${password}`, { cause: error });

    const copy = redactedErrorChain(error, [password]);

    const levels: Error[] = [];
    for (let cause: unknown = copy; cause instanceof Error; cause = cause.cause) levels.push(cause);
    expect(levels.map((level) => level.message)).toEqual(['level 7 ***', 'level 6 ***', 'level 5 ***', 'level 4 ***', 'level 3 ***']);
    expect(inspect(copy, { depth: 10 })).not.toContain(password);
  });
});

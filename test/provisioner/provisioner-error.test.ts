import { inspect } from 'node:util';
import { ProvisionerError } from '../../lambda/provisioner/provisioner-error';
import { redactSecrets } from '../../lib/provisioning/redact-secrets';

const password = 'S3cret-master-Pa55word';

describe('ProvisionerError', () => {
  it('keeps the code and the message but blanks the password out of message, stack and cause chain', () => {
    const root = Object.assign(new Error(`driver said ${password}`), { code: 'ER_SOMETHING' });
    const original = Object.assign(new Error(`failed with ${password}`, { cause: root }), { code: 'RDS_IAM_X' });

    const safe = ProvisionerError.from(original, [password]);

    expect(safe.code).toBe('RDS_IAM_X');
    expect(safe.message).toBe('failed with ***');
    expect(inspect(safe, { depth: 10 })).not.toContain(password);
    expect((safe.cause as Error & { code: string }).code).toBe('ER_SOMETHING');
  });

  it('gives a generic code to errors that have none', () => {
    expect(ProvisionerError.from('boom', []).code).toBe('RDS_IAM_PROVISIONER_FAILED');
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence and ignores absent secrets', () => {
    expect(redactSecrets('a-pw-b-pw', ['pw', undefined, ''])).toBe('a-***-b-***');
  });
});

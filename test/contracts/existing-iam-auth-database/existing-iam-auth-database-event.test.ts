import {
  EXISTING_DATABASE_RESOURCE_TYPE,
  formatPhysicalResourceId,
  parseExistingIamAuthDatabaseEvent,
  parsePhysicalResourceId,
} from '../../../lib/contracts/existing-iam-auth-database';
import { RdsIamError } from '../../../lib/errors/rds-iam-error';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/RdsIamMysql-prod/5b3c7d20-8f1e-11ef-9c4a-0a1b2c3d4e5f';
const PROPERTIES = { ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:x', Kind: 'cluster', Identifier: 'orders-prod', Engine: 'mysql', RestoreOnDelete: 'true', MasterSecretDeclared: 'false' };

function event(fields: Record<string, unknown>): Record<string, unknown> {
  return { StackId: STACK_ID, LogicalResourceId: 'Database', ResourceType: EXISTING_DATABASE_RESOURCE_TYPE, ResourceProperties: PROPERTIES, ...fields };
}

function refusal(raw: unknown): RdsIamError {
  try {
    parseExistingIamAuthDatabaseEvent(raw);
  } catch (error) {
    if (error instanceof RdsIamError) return error;
    throw error;
  }
  throw new Error('expected the event to be refused');
}

describe('parseExistingIamAuthDatabaseEvent', () => {
  it('reads a Create with its properties typed (flags as booleans)', () => {
    const parsed = parseExistingIamAuthDatabaseEvent(event({ RequestType: 'Create' }));

    expect(parsed).toMatchObject({ RequestType: 'Create', ResourceProperties: { Kind: 'cluster', Identifier: 'orders-prod', RestoreOnDelete: true, MasterSecretDeclared: false } });
  });

  it('refuses an Update without the physical id, naming the field', () => {
    const error = refusal(event({ RequestType: 'Update' }));

    expect(error.code).toBe('RDS_IAM_INVALID_EXISTING_DATABASE_EVENT');
    expect(error.message).toContain('PhysicalResourceId');
  });

  it('refuses a Create whose properties the construct would never send, naming each field', () => {
    const error = refusal(event({ RequestType: 'Create', ResourceProperties: { ...PROPERTIES, Kind: 'proxy', Engine: 'postgres' } }));

    expect(error.message).toMatch(/ResourceProperties\.Kind.*ResourceProperties\.Engine/);
  });

  it('still reads a Delete whose properties are unreadable, as nothing to restore', () => {
    const parsed = parseExistingIamAuthDatabaseEvent(event({ RequestType: 'Delete', PhysicalResourceId: 'cluster:orders-prod:iam-auth-was-off', ResourceProperties: { Kind: 'proxy' } }));

    expect(parsed).toMatchObject({ RequestType: 'Delete', ResourceProperties: undefined });
  });
});

describe('the physical id', () => {
  it.each([
    ['cluster', 'orders-prod', false],
    ['instance', 'billing', true],
  ] as const)('round-trips %s %s (IAM authentication was on: %s)', (kind, identifier, iamAuthWasOn) => {
    expect(parsePhysicalResourceId(formatPhysicalResourceId(kind, identifier, iamAuthWasOn))).toEqual({ kind, identifier, iamAuthWasOn });
  });

  it('does not read an id of another resource', () => {
    expect(parsePhysicalResourceId('rds-iam-users:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0')).toBeUndefined();
  });
});

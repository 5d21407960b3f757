import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';

/** A declared user with the defaults applied and one harmless grant, for tests to change one field at a time. */
export function userSpec(username = 'app_rw', overrides: Partial<DatabaseUserSpec> = {}): DatabaseUserSpec {
  return {
    username,
    grants: [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'], on: 'orders.*' }],
    requireSsl: true,
    removalPolicy: 'drop',
    adoptExistingUser: false,
    ...overrides,
  };
}

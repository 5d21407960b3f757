import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';

/** A declared user with the defaults applied and no grants, for tests to change one field at a time. */
export function userSpec(username: string, overrides: Partial<DatabaseUserSpec> = {}): DatabaseUserSpec {
  return {
    username,
    grants: [],
    requireSsl: true,
    removalPolicy: 'drop',
    adoptExistingUser: false,
    ...overrides,
  };
}

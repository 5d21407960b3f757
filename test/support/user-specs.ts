import type { DatabaseUserSpec, UserGrant } from '../../lib/users/database-user-spec';

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

/**
 * A grant on `*.*` with the explicit opt-in the least-privilege rules require for it (`*.*` covers the mysql schema):
 * spread into a declaration, `{ username, ...optedInEveryDatabase(grant) }`.
 */
export function optedInEveryDatabase(grant: UserGrant): Pick<DatabaseUserSpec, 'grants' | 'allowPrivileged'> {
  return { grants: [grant], allowPrivileged: { reason: 'reviewed: this test user needs every database', grants: [grant] } };
}

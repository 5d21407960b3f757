import { validateUserSpecs, UserSpecValidationError } from '../../lib/users/validate-user-specs';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';

const user = (overrides: Partial<DatabaseUserSpec> = {}): DatabaseUserSpec => ({
  username: 'app_rw',
  grants: [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'ALTER'], on: '*.*' }],
  requireSsl: true,
  removalPolicy: 'drop',
  adoptExistingUser: false,
  ...overrides,
});

describe('validateUserSpecs', () => {
  it('normalizes privilege names, merges grants on one target and sorts them', () => {
    const [validated] = validateUserSpecs(
      [user({ grants: [{ privileges: [' select', 'insert '], on: 'app.*' }, { privileges: ['Select', 'UPDATE'], on: 'app.*' }] })],
      { engine: 'mysql' },
    );
    expect(validated.grants).toEqual([{ target: { level: 'database', database: 'app' }, privileges: ['INSERT', 'SELECT', 'UPDATE'] }]);
  });

  it('expands ALL at the database level to what the RDS master user can grant', () => {
    const [validated] = validateUserSpecs([user({ grants: [{ privileges: ['ALL'], on: 'app.*' }] })], { engine: 'mysql' });
    expect(validated.grants[0].privileges).toContain('SELECT');
    expect(validated.grants[0].privileges).not.toContain('SUPER');
    expect(validated.grants[0].privileges).not.toContain('CREATE USER');
  });

  it.each([
    ['an empty name', user({ username: '' }), 'a user name is required'],
    ['33 characters', user({ username: 'a'.repeat(33) }), 'at most 32'],
    ['root', user({ username: 'root' }), 'reserved'],
    ['SUPER', user({ grants: [{ privileges: ['SUPER'], on: '*.*' }] }), 'cannot be granted by the RDS master user'],
    ['a global privilege on db.*', user({ grants: [{ privileges: ['PROCESS'], on: 'app.*' }] }), 'global level'],
    ['an unknown privilege', user({ grants: [{ privileges: ['DELETE HISTORY'], on: 'app.*' }] }), 'not a MySQL 8.0 privilege'],
    ['ALL on *.*', user({ grants: [{ privileges: ['ALL'], on: '*.*' }] }), 'list the privileges instead'],
    ['a bad table name', user({ grants: [{ privileges: ['SELECT'], on: 'app.t`x' }] }), 'table name'],
  ])('refuses %s', (_case, spec, message) => {
    expect(() => validateUserSpecs([spec], { engine: 'mysql' })).toThrow(message);
  });

  it('refuses the master user name and duplicates, listing every problem at once', () => {
    let error: unknown;
    try {
      validateUserSpecs([user({ username: 'Admin' }), user(), user()], { engine: 'mysql', masterUsername: 'admin' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserSpecValidationError);
    expect((error as UserSpecValidationError).problems.map((p) => p.field)).toEqual(['users[0].username', 'users[2].username']);
  });
});

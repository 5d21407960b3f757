import type { DatabaseEngineFamily, DatabaseUserSpec } from '../../lib/users/database-user-spec';
import {
  checkUserDeclarations,
  declaredSpecOf,
  problemLocation,
  UserSpecProblem,
  UserSpecValidationError,
  validateUserSpecs,
} from '../../lib/users/validate-user-specs';
import { userSpec } from '../support/user-specs';

const REASON = 'Monitoring agent reads statement digests (SEC-42)';

function problemsOf(declarations: readonly unknown[], context: Parameters<typeof checkUserDeclarations>[1] = { engine: 'mysql' }): UserSpecProblem[] {
  const checked = checkUserDeclarations(declarations, context);
  return checked.ok ? [] : checked.problems;
}

/** `grants[0].on: why` for each problem of the one user. */
const described = (problems: readonly UserSpecProblem[]): string[] => problems.map((problem) => `${problemLocation(problem)}: ${problem.message}`);

describe('validateUserSpecs', () => {
  it('normalizes privilege names, merges grants on one target and sorts them', () => {
    const [validated] = validateUserSpecs(
      [userSpec('app_rw', { grants: [{ privileges: [' select', 'insert '], on: 'app.*' }, { privileges: ['Select', 'UPDATE'], on: 'app.*' }] })],
      { engine: 'mysql' },
    );
    expect(validated.grants).toEqual([{ target: { level: 'database', database: 'app' }, privileges: ['INSERT', 'SELECT', 'UPDATE'] }]);
  });

  it('expands ALL at the database level to what the RDS master user can grant', () => {
    const [validated] = validateUserSpecs([userSpec('app_rw', { grants: [{ privileges: ['ALL'], on: 'app.*' }] })], { engine: 'mysql' });
    expect(validated.grants[0].privileges).toContain('SELECT');
    expect(validated.grants[0].privileges).not.toContain('SUPER');
    expect(validated.grants[0].privileges).not.toContain('CREATE USER');
  });

  it('applies the defaults of an undeclared field', () => {
    const [validated] = validateUserSpecs([{ username: 'app', grants: [] }], { engine: 'mysql' });
    expect(validated).toEqual({ username: 'app', grants: [], requireSsl: true, removalPolicy: 'drop', adoptExistingUser: false });
  });
});

describe('the rules, one table per kind', () => {
  const names: ReadonlyArray<[string, string, RegExp]> = [
    ['an empty name', '', /a user name is required/],
    ['33 characters', 'a'.repeat(33), /at most 32 characters \(it has 33\)/],
    ['a quote', "o'brien", /only ASCII letters/],
    ['a dot', 'app.user', /only ASCII letters/],
    ['look-alike unicode', '\u0430pp', /only ASCII letters/],
    ['root', 'root', /engine superuser/],
    ['rdsadmin in upper case', 'RDSADMIN', /account RDS manages/],
    ['rds_superuser_role', 'rds_superuser_role', /role RDS for MySQL 8.0.36\+ grants/],
    ['rdsproxyadmin', 'rdsproxyadmin', /RDS Proxy/],
    ['an Aurora built-in role', 'AWS_SELECT_S3_ACCESS', /Aurora MySQL names its built-in roles/],
    ['mysql.sys', 'mysql.sys', /definer of the MySQL sys schema/],
    ['mariadb.sys', 'mariadb.sys', /MariaDB system views/],
    ['the master user, any case', 'ADMIN', /is the master user/],
  ];
  it.each(names)('refuses a user name with %s', (_label, username, message) => {
    expect(described(problemsOf([userSpec(username)], { engine: 'mysql', masterUsername: 'admin' }))).toContainEqual(expect.stringMatching(new RegExp(`^username: .*${message.source}`)));
  });

  const catalogue: ReadonlyArray<[string, DatabaseEngineFamily, DatabaseUserSpec['grants'], RegExp]> = [
    ['SUPER (never grantable, said why)', 'mysql', [{ privileges: ['SUPER'], on: '*.*' }], /^grants\[0\]\.privileges\[0\]: SUPER includes setting any DEFINER.*this project never grants it/],
    ['GRANT OPTION', 'mysql', [{ privileges: ['GRANT OPTION'], on: 'app.*' }], /GRANT OPTION passes the holder's privileges on.*never grants it/],
    ['ROLE_ADMIN', 'mysql', [{ privileges: ['role_admin'], on: '*.*' }], /ROLE_ADMIN grants and revokes any role/],
    ['SET USER on MariaDB', 'mariadb', [{ privileges: ['SET USER'], on: '*.*' }], /SET USER sets any account as the DEFINER/],
    ['a global privilege on db.*', 'mysql', [{ privileges: ['PROCESS'], on: 'app.*' }], /can only be granted at the global level/],
    ['a MariaDB-only privilege on MySQL', 'mysql', [{ privileges: ['DELETE HISTORY'], on: 'app.*' }], /not a MySQL privilege this project grants/],
    ['ALL on *.*', 'mysql', [{ privileges: ['ALL'], on: '*.*' }], /list the privileges instead/],
    ['no privileges', 'mysql', [{ privileges: [], on: 'app.*' }], /list at least one privilege/],
    ['a bad table name', 'mysql', [{ privileges: ['SELECT'], on: 'app.t`x' }], /table name/],
    ['a database name too long once escaped', 'mysql', [{ privileges: ['SELECT'], on: `${'a_'.repeat(32)}.*` }], /96 characters once its _ are escaped/],
  ];
  it.each(catalogue)('refuses %s', (_label, engine, grants, message) => {
    expect(described(problemsOf([userSpec('app', { grants })], { engine }))).toContainEqual(expect.stringMatching(message));
  });

  const leastPrivilege: ReadonlyArray<[string, DatabaseEngineFamily, DatabaseUserSpec['grants'], RegExp]> = [
    ['UPDATE on mysql.*', 'mysql', [{ privileges: ['UPDATE'], on: 'mysql.*' }], /^grants\[0\]\.on: the mysql system schema .*\(declared here: UPDATE\)/],
    ['SELECT on mysql.user', 'mariadb', [{ privileges: ['SELECT'], on: 'mysql.user' }], /^grants\[0\]\.on: the mysql system schema/],
    ['SELECT on mysql.global_priv, upper case', 'mariadb', [{ privileges: ['SELECT'], on: 'MYSQL.GLOBAL_PRIV' }], /the mysql system schema/],
    ['ALL on sys.*', 'mysql', [{ privileges: ['ALL'], on: 'sys.*' }], /the sys system schema .*declared here: ALTER, ALTER ROUTINE, CREATE/],
    ['SELECT on information_schema.*', 'mariadb', [{ privileges: ['SELECT'], on: 'information_schema.*' }], /the information_schema system schema/],
    ['SELECT on performance_schema.*', 'mysql', [{ privileges: ['SELECT'], on: 'PERFORMANCE_SCHEMA.*' }], /the performance_schema system schema/],
    ['CREATE USER', 'mysql', [{ privileges: ['create user'], on: '*.*' }], /^grants\[0\]\.privileges\[0\]: CREATE USER creates, alters, renames and drops any account/],
    ['CREATE USER on MariaDB', 'mariadb', [{ privileges: ['CREATE USER'], on: '*.*' }], /ALTER USER with it takes over the master account/],
    ['SELECT on *.*', 'mysql', [{ privileges: ['SELECT'], on: '*.*' }], /^grants\[0\]\.on: \*\.\* covers every database/],
    ['INSERT, UPDATE, DELETE on *.*', 'mariadb', [{ privileges: ['INSERT', 'UPDATE', 'DELETE'], on: '*.*' }], /declared here: DELETE, INSERT, UPDATE/],
    ['REPLICATION SLAVE', 'mysql', [{ privileges: ['REPLICATION SLAVE'], on: '*.*' }], /REPLICATION SLAVE streams the binary log/],
    ['REPLICATION CLIENT on MariaDB', 'mariadb', [{ privileges: ['REPLICATION CLIENT'], on: '*.*' }], /BINLOG MONITOR lists binary log events/],
  ];
  it.each(leastPrivilege)('refuses %s, naming the opt-in', (_label, engine, grants, message) => {
    const problems = described(problemsOf([userSpec('app', { grants })], { engine }));
    expect(problems).toContainEqual(expect.stringMatching(message));
    expect(problems.join('\n')).toContain('name it in allowPrivileged.grants with a reason');
  });

  it.each(leastPrivilege)('accepts %s with an opt-in that names it, and keeps the opt-in', (_label, engine, grants) => {
    const [validated] = validateUserSpecs([userSpec('app', { grants, allowPrivileged: { reason: REASON, grants } })], { engine });
    expect(validated.allowPrivileged?.reason).toBe(REASON);
    expect(validated.allowPrivileged?.grants).toEqual(validated.grants);
  });

  it.each<[string, DatabaseUserSpec['grants']]>([
    ['ALL on an application database', [{ privileges: ['ALL'], on: 'app.*' }]],
    ['DML on an application table', [{ privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], on: 'app.orders' }]],
    ['a database whose name only starts like a system schema', [{ privileges: ['SELECT'], on: 'mysql_app.*' }, { privileges: ['SELECT'], on: 'sys2.*' }]],
    ['the global privileges that reach no data', [{ privileges: ['PROCESS', 'RELOAD', 'SHOW DATABASES', 'REPLICATION CLIENT'], on: '*.*' }]],
  ])('accepts %s without an opt-in', (_label, grants) => {
    expect(problemsOf([userSpec('app', { grants })])).toEqual([]);
  });
});

describe('the opt-in', () => {
  const refused = [{ privileges: ['SELECT'], on: 'performance_schema.*' }];

  it('waives only what it names: another privilege on the same target is still refused', () => {
    const problems = described(problemsOf([userSpec('app', {
      grants: [{ privileges: ['SELECT', 'UPDATE'], on: 'performance_schema.*' }],
      allowPrivileged: { reason: REASON, grants: refused },
    })]));
    expect(problems).toEqual([expect.stringMatching(/^grants\[0\]\.on: the performance_schema system schema .*\(declared here: UPDATE\)/)]);
  });

  it.each<[string, Partial<DatabaseUserSpec>, RegExp]>([
    ['a reason too short', { grants: refused, allowPrivileged: { reason: 'because', grants: refused } }, /^allowPrivileged\.reason: must say why .* \(it has 7\)/],
    ['a reason of spaces', { grants: refused, allowPrivileged: { reason: ' '.repeat(20), grants: refused } }, /^allowPrivileged\.reason: must say why/],
    ['a reason over 500 characters', { grants: refused, allowPrivileged: { reason: 'r'.repeat(501), grants: refused } }, /^allowPrivileged\.reason: must say why .* \(it has 501\)/],
    ['a reason on two lines', { grants: refused, allowPrivileged: { reason: `${REASON}\nSECOND LINE`, grants: refused } }, /^allowPrivileged\.reason: must be one line/],
    ['a waiver of something not declared', { grants: [], allowPrivileged: { reason: REASON, grants: refused } }, /^allowPrivileged\.grants\[0\]\.privileges\[0\]: waives SELECT on performance_schema\.\*, which grants does not declare/],
    ['a waiver of something no rule refuses', { grants: [{ privileges: ['SELECT'], on: 'app.*' }], allowPrivileged: { reason: REASON, grants: [{ privileges: ['SELECT'], on: 'app.*' }] } }, /is not refused by any rule, so it needs no opt-in/],
    ['an opt-in without grants', { grants: [], allowPrivileged: { reason: REASON, grants: [] } }, /^allowPrivileged\.grants: list the refused grants/],
    ['a waiver of what no deploy can grant', { grants: [{ privileges: ['SUPER'], on: '*.*' }], allowPrivileged: { reason: REASON, grants: [{ privileges: ['SUPER'], on: '*.*' }] } }, /^grants\[0\]\.privileges\[0\]: SUPER .*never grants it/],
  ])('refuses %s', (_label, overrides, message) => {
    expect(described(problemsOf([userSpec('app', overrides)]))).toContainEqual(expect.stringMatching(message));
  });

  it('cannot waive a reserved account or the master user', () => {
    const problems = described(problemsOf(
      [userSpec('rdsadmin', { allowPrivileged: { reason: REASON, grants: [] } }), userSpec('admin')],
      { engine: 'mysql', masterUsername: 'admin' },
    ));
    expect(problems).toContainEqual(expect.stringMatching(/^username: is the account RDS manages the database with/));
    expect(problems).toContainEqual(expect.stringMatching(/^username: is the master user/));
  });

  it('round-trips through the declared form', () => {
    const spec = userSpec('app', { grants: refused, allowPrivileged: { reason: REASON, grants: refused } });
    const [validated] = validateUserSpecs([spec], { engine: 'mysql' });
    expect(declaredSpecOf(validated)).toEqual({ ...spec, grants: [{ on: 'performance_schema.*', privileges: ['SELECT'] }], allowPrivileged: { reason: REASON, grants: [{ on: 'performance_schema.*', privileges: ['SELECT'] }] } });
  });
});

describe('a set declared by an earlier deploy', () => {
  it('is not refused for grants the rules refuse now, so the deploy that removes them can run', () => {
    const previous = [userSpec('app_rw', { grants: [{ privileges: ['SELECT', 'UPDATE'], on: '*.*' }] })];
    expect(() => validateUserSpecs(previous, { engine: 'mysql' })).toThrow(UserSpecValidationError);
    expect(validateUserSpecs(previous, { engine: 'mysql', declaredBefore: true })).toHaveLength(1);
  });

  it('is still refused for a reserved account or the master user, which must never be dropped', () => {
    const previous = [userSpec('rds_superuser_role'), userSpec('admin')];
    const problems = problemsOf(previous, { engine: 'mysql', masterUsername: 'admin', declaredBefore: true });
    expect(problems.map((problem) => problem.userIndex)).toEqual([0, 1]);
  });
});

describe('problems', () => {
  it('carry their place as data: the user index and the path within it, in declaration order', () => {
    const problems = problemsOf(
      [userSpec('ok'), userSpec('Admin', { grants: [{ privileges: ['SELECT'], on: '*.*' }, { privileges: ['NOPE'], on: 'app.*' }] }), userSpec('ok')],
      { engine: 'mysql', masterUsername: 'admin' },
    );
    expect(problems.map(({ userIndex, path }) => ({ userIndex, path }))).toEqual([
      { userIndex: 1, path: ['username'] },
      { userIndex: 1, path: ['grants', 0, 'on'] },
      { userIndex: 1, path: ['grants', 1, 'privileges', 0] },
      { userIndex: 2, path: ['username'] },
    ]);
  });

  it('make an error under 4 KB however many and however large they are', () => {
    const users = Array.from({ length: 10_000 }, (_, index) => ({ username: `${'u'.repeat(1_000)}${index}`, grants: [{ privileges: ['NOPE'], on: `${'d'.repeat(1_000)}.*` }] }));
    let error: unknown;
    try {
      validateUserSpecs(users, { engine: 'mariadb' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserSpecValidationError);
    const { message, problems } = error as UserSpecValidationError;
    expect(problems).toHaveLength(20_000);
    expect(Buffer.byteLength(message)).toBeLessThan(4096);
    expect(message).toMatch(/… and [\d,]+ more problems/);
  });

  it('name the set in the message', () => {
    expect(() => validateUserSpecs([userSpec('root')], { engine: 'mysql', declaredBefore: true }, 'previousUsers')).toThrow('previousUsers[0].username = "root"');
  });
});

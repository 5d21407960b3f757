import type { DatabaseEngineFamily, DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { parseGrantTarget } from '../../lib/users/grant-target';
import { dynamicPrivileges, rdsMasterDynamicPrivileges, type ServerLine } from '../../lib/users/privilege-catalogues';
import { privilegedGrantFinding, reviewedDynamicPrivilegeReason } from '../../lib/users/privileged-grants';
import { expandAllPrivileges } from '../../lib/users/privileges';
import { isWritePrivilege } from '../../lib/users/read-only-privileges';
import { checkUserDeclarations, problemLocation, validateUserSpecs } from '../../lib/users/validate-user-specs';
import { userSpec } from '../support/user-specs';

const REASON = 'Migrates the views the old application user defined (CHG-311)';
const MYSQL_LINES: readonly ServerLine[] = ['mysql-8.0', 'mysql-8.4', 'mysql-9.7'];

/** `grants[0].privileges[0]: why` for each problem of the one user declared with these grants. */
function problems(engine: DatabaseEngineFamily, engineVersion: string | undefined, user: Partial<DatabaseUserSpec>): string[] {
  const checked = checkUserDeclarations([userSpec('app', user)], { engine, ...(engineVersion === undefined ? {} : { engineVersion }) });
  return checked.ok ? [] : checked.problems.map((problem) => `${problemLocation(problem)}: ${problem.message}`);
}

const onEverything = (...privileges: string[]): Partial<DatabaseUserSpec> => ({ grants: [{ on: '*.*', privileges }] });

describe('MySQL dynamic privileges in a declaration', () => {
  it.each<[string, string | undefined]>([
    ['any MySQL version (synth without one)', undefined],
    ['RDS for MySQL 8.0', '8.0.46'],
    ['Aurora MySQL 3', '8.0.mysql_aurora.3.10.3'],
    ['RDS for MySQL 8.4', '8.4.8'],
    ['MySQL 9.7, as the server reports it', '9.7.0'],
  ])('accepts those the RDS master can grant and the rules let through, on %s, spelled in any case', (_label, engineVersion) => {
    const [validated] = validateUserSpecs([userSpec('app', onEverything('show_routine', 'XA_RECOVER_ADMIN', 'Flush_Status'))], {
      engine: 'mysql',
      ...(engineVersion === undefined ? {} : { engineVersion }),
    });
    expect(validated.grants).toEqual([{ target: { level: 'global' }, privileges: ['FLUSH_STATUS', 'SHOW_ROUTINE', 'XA_RECOVER_ADMIN'] }]);
  });

  it.each<[string, DatabaseEngineFamily, string | undefined, Partial<DatabaseUserSpec>, string]>([
    [
      'one on MariaDB, naming the engine',
      'mariadb', undefined, onEverything('SHOW_ROUTINE'),
      "grants[0].privileges[0]: is a MySQL dynamic privilege, and this database's engine is MariaDB, which has none (GRANT SHOW_ROUTINE is a syntax error there)",
    ],
    ['one below *.*', 'mysql', undefined, { grants: [{ on: 'app.*', privileges: ['SHOW_ROUTINE'] }] }, 'grants[0].privileges[0]: can only be granted at the global level, not on app.*'],
    [
      'one the version no longer has',
      'mysql', '8.4.8', onEverything('SET_USER_ID'),
      "grants[0].privileges[0]: is not a privilege of MySQL 8.4, this database's version; it exists on MySQL 8.0",
    ],
    [
      'one the version does not have yet',
      'mysql', '8.0.mysql_aurora.3.10.3', onEverything('FLUSH_PRIVILEGES'),
      "grants[0].privileges[0]: is not a privilege of MySQL 8.0, this database's version; it exists on MySQL 8.4, MySQL 9.7",
    ],
    ['one RDS withholds from its master', 'mysql', '8.4.8', onEverything('BACKUP_ADMIN'), 'grants[0].privileges[0]: is withheld from the RDS master user on MySQL 8.4, so no deploy could grant it'],
    [
      'one RDS withholds on every version, when the version is unknown',
      'mysql', undefined, onEverything('CLONE_ADMIN'),
      'grants[0].privileges[0]: is withheld from the RDS master user on MySQL 8.0, MySQL 8.4, MySQL 9.7, so no deploy could grant it',
    ],
    ['one no RDS master holds, said why', 'mysql', undefined, onEverything('SYSTEM_USER'), 'grants[0].privileges[0]: SYSTEM_USER lets the holder change the system accounts MySQL protects from everyone else: this project never grants it'],
    ['an account-admin one without an opt-in', 'mysql', '8.4.8', onEverything('ROLE_ADMIN'), 'grants[0].privileges[0]: ROLE_ADMIN grants and revokes any role to and from any account; refused as a path to the master account'],
  ])('refuses %s', (_label, engine, engineVersion, user, expected) => {
    expect(problems(engine, engineVersion, user)).toContainEqual(expect.stringContaining(expected));
  });

  it('lets an opt-in waive an account-admin one where the RDS master holds it, and not where the version lacks it', () => {
    const grants = [{ on: '*.*', privileges: ['SET_USER_ID'] }];
    const user = { grants, allowPrivileged: { reason: REASON, grants } };

    expect(problems('mysql', '8.0.46', user)).toEqual([]);
    expect(problems('mysql', undefined, user)).toEqual([]);
    expect(problems('mysql', '9.7.0', user)).toContainEqual(expect.stringContaining('is not a privilege of MySQL 9.7'));
  });

  it.each(MYSQL_LINES)('on %s, every dynamic privilege the RDS master can grant is either reviewed as harmless or refused by a rule, never both', (line) => {
    for (const privilege of rdsMasterDynamicPrivileges(line)) {
      const finding = privilegedGrantFinding('mysql', privilege, parseGrantTarget('*.*'));
      expect({ privilege, reviewed: reviewedDynamicPrivilegeReason(privilege) !== undefined }).toEqual({ privilege, reviewed: finding === undefined });
    }
  });

  it('counts SHOW_ROUTINE and XA_RECOVER_ADMIN as reading for the access review, and the FLUSH_ ones as writing', () => {
    expect(['SHOW_ROUTINE', 'XA_RECOVER_ADMIN'].filter(isWritePrivilege)).toEqual([]);
    expect(['FLUSH_TABLES', 'FLUSH_PRIVILEGES', 'APPLICATION_PASSWORD_ADMIN'].every(isWritePrivilege)).toBe(true);
  });

  it('refuses a dynamic privilege nobody has reviewed (one a new release adds) as server-admin', () => {
    const unreviewed = dynamicPrivileges('mysql-9.7').filter(
      (privilege) => reviewedDynamicPrivilegeReason(privilege) === undefined && privilegedGrantFinding('mysql', privilege, parseGrantTarget('*.*'))?.rule !== 'account-admin',
    );
    expect(unreviewed).toContain('TELEMETRY_LOG_ADMIN');
    for (const privilege of unreviewed) {
      expect(privilegedGrantFinding('mysql', privilege, parseGrantTarget('*.*'))).toMatchObject({ rule: 'server-admin', subject: 'privilege' });
    }
  });
});

describe('ALL, expanded to what the RDS master can grant', () => {
  /** What MySQL 9.7 and MariaDB 10.11 grant for ALL ON db.* by an admin without SUPER, measured on the emulator. */
  const SCHEMA_PRIVILEGES = [
    'ALTER', 'ALTER ROUTINE', 'CREATE', 'CREATE ROUTINE', 'CREATE TEMPORARY TABLES', 'CREATE VIEW', 'DELETE', 'DROP', 'EVENT',
    'EXECUTE', 'INDEX', 'INSERT', 'LOCK TABLES', 'REFERENCES', 'SELECT', 'SHOW VIEW', 'TRIGGER', 'UPDATE',
  ];

  it.each<[DatabaseEngineFamily, readonly ServerLine[] | undefined]>([
    ['mysql', undefined],
    ['mysql', ['mysql-8.0']],
    ['mysql', ['mysql-9.7']],
    ['mariadb', undefined],
  ])('on db.* is the 18 static schema privileges for %s (%s): dynamic privileges are global only, and MariaDB\'s admin lacks DELETE HISTORY', (engine, lines) => {
    expect(expandAllPrivileges(engine, 'database', lines)).toEqual(SCHEMA_PRIVILEGES);
  });

  it('on *.* adds the dynamic privileges the master holds on the line, or on every line when the version is unknown', () => {
    const global84 = expandAllPrivileges('mysql', 'global', ['mysql-8.4']);
    const globalAny = expandAllPrivileges('mysql', 'global', MYSQL_LINES);

    expect(global84).toEqual(expect.arrayContaining(['FLUSH_PRIVILEGES', 'SHOW_ROUTINE', 'XA_RECOVER_ADMIN', 'PROCESS', 'CREATE USER']));
    expect(global84).not.toContain('SET_USER_ID');
    expect(globalAny).toContain('SHOW_ROUTINE');
    expect(globalAny).not.toContain('FLUSH_PRIVILEGES');
    expect(globalAny).not.toContain('SET_USER_ID');
    expect(expandAllPrivileges('mariadb', 'global')).not.toContain('SHOW_ROUTINE');
  });

  it('on *.* stays refused in a declaration, whatever the version', () => {
    expect(problems('mysql', '8.4.8', onEverything('ALL'))).toContainEqual(expect.stringContaining('list the privileges instead'));
  });
});

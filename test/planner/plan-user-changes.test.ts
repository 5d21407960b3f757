import type { LivePrivilege, LiveUserState } from '../../lib/planner/live-user-state';
import { planUserChanges, PlanUserChangesInput } from '../../lib/planner/plan-user-changes';
import { UserTakeoverError } from '../../lib/planner/planner-errors';
import type { DatabaseEngineFamily, DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { validateUserSpecs } from '../../lib/users/validate-user-specs';

const spec = (username: string, overrides: Partial<DatabaseUserSpec> = {}): DatabaseUserSpec => ({
  username,
  grants: [{ privileges: ['SELECT'], on: 'app.*' }],
  requireSsl: true,
  removalPolicy: 'drop',
  adoptExistingUser: false,
  ...overrides,
});

const onDatabase = (databasePattern: string, privilege: string, grantable = false): LivePrivilege => ({
  target: { level: 'database', databasePattern }, privilege, grantable,
});
const onGlobal = (privilege: string, grantable = false): LivePrivilege => ({ target: { level: 'global' }, privilege, grantable });
const onTable = (database: string, table: string, privilege: string): LivePrivilege => ({
  target: { level: 'table', database, table }, privilege, grantable: false,
});

/** A user as the server reports it after this project made it: IAM plugin, REQUIRE SSL, `USAGE` on `*.*`. */
const liveIamUser = (username: string, privileges: LivePrivilege[] = [], sslType = 'ANY'): LiveUserState => ({
  username, exists: true, plugin: 'AWSAuthenticationPlugin', sslType, privileges: [onGlobal('USAGE'), ...privileges],
});
const livePasswordUser = (username: string): LiveUserState => ({
  username, exists: true, plugin: 'mysql_native_password', sslType: '', privileges: [onGlobal('USAGE')],
});

interface Scenario {
  readonly engine?: DatabaseEngineFamily;
  readonly desired?: DatabaseUserSpec[];
  readonly previous?: DatabaseUserSpec[];
  readonly live?: LiveUserState[];
  readonly operation?: PlanUserChangesInput['operation'];
  readonly identifierCase?: PlanUserChangesInput['identifierCase'];
}

function plan(scenario: Scenario) {
  const engine = scenario.engine ?? 'mysql';
  return planUserChanges({
    engine,
    desired: validateUserSpecs(scenario.desired ?? [], { engine }),
    previous: validateUserSpecs(scenario.previous ?? [], { engine }),
    live: new Map((scenario.live ?? []).map((user) => [user.username, user])),
    operation: scenario.operation ?? 'converge',
    identifierCase: scenario.identifierCase,
  });
}

const sqlOf = (scenario: Scenario): string[] => plan(scenario).statements.map((statement) => statement.sql);

describe('planUserChanges', () => {
  describe('converging a declared user', () => {
    it.each<[string, Scenario, string[]]>([
      [
        'creates a missing user with its TLS requirement, then grants per target',
        { desired: [spec('app', { grants: [{ privileges: ['select', 'insert'], on: 'app.*' }, { privileges: ['PROCESS'], on: '*.*' }] })] },
        [
          "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
          "GRANT PROCESS ON *.* TO 'app'@'%'",
          "GRANT INSERT, SELECT ON `app`.* TO 'app'@'%'",
        ],
      ],
      [
        'creates a user without TLS requirement when declared so, with no grant when none is declared',
        { desired: [spec('app', { requireSsl: false, grants: [] })] },
        ["CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE NONE"],
      ],
      [
        'changes nothing when the user already matches',
        { desired: [spec('app')], live: [liveIamUser('app', [onDatabase('app', 'SELECT')])] },
        [],
      ],
      [
        'grants only what was added',
        {
          desired: [spec('app', { grants: [{ privileges: ['SELECT', 'INSERT'], on: 'app.*' }, { privileges: ['SELECT'], on: 'app.t' }] })],
          live: [liveIamUser('app', [onDatabase('app', 'SELECT')])],
        },
        ["GRANT INSERT ON `app`.* TO 'app'@'%'", "GRANT SELECT ON `app`.`t` TO 'app'@'%'"],
      ],
      [
        'revokes what was removed from the declaration or added by hand, GRANT OPTION included',
        {
          desired: [spec('app')],
          live: [liveIamUser('app', [onDatabase('app', 'SELECT'), onDatabase('app', 'DELETE'), onTable('app', 't', 'UPDATE'), onGlobal('PROCESS', true)])],
        },
        [
          "REVOKE PROCESS, GRANT OPTION ON *.* FROM 'app'@'%'",
          "REVOKE DELETE ON `app`.* FROM 'app'@'%'",
          "REVOKE UPDATE ON `app`.`t` FROM 'app'@'%'",
        ],
      ],
      [
        'revokes column grants made by hand (declarations have none), leaving the grant option to the table row',
        {
          desired: [spec('app', { grants: [] })],
          live: [liveIamUser('app', [
            { target: { level: 'table', database: 'app', table: 't' }, privilege: 'USAGE', grantable: true },
            { target: { level: 'column', database: 'app', table: 't', column: 'email' }, privilege: 'SELECT', grantable: true },
            { target: { level: 'column', database: 'app', table: 't', column: 'email' }, privilege: 'UPDATE', grantable: true },
          ])],
        },
        [
          "REVOKE GRANT OPTION ON `app`.`t` FROM 'app'@'%'",
          "REVOKE SELECT (`email`), UPDATE (`email`) ON `app`.`t` FROM 'app'@'%'",
        ],
      ],
      [
        'revokes GRANT OPTION held on its own (reported on a USAGE row)',
        { desired: [spec('app', { grants: [] })], live: [{ ...liveIamUser('app'), privileges: [onGlobal('USAGE', true)] }] },
        ["REVOKE GRANT OPTION ON *.* FROM 'app'@'%'"],
      ],
      [
        'requires TLS again when it was relaxed by hand',
        { desired: [spec('app')], live: [liveIamUser('app', [onDatabase('app', 'SELECT')], '')] },
        ["ALTER USER 'app'@'%' REQUIRE SSL"],
      ],
      [
        'sets exactly REQUIRE SSL over a stricter X509 requirement made by hand',
        { desired: [spec('app')], live: [liveIamUser('app', [onDatabase('app', 'SELECT')], 'X509')] },
        ["ALTER USER 'app'@'%' REQUIRE SSL"],
      ],
      [
        'drops the TLS requirement when declared so',
        { desired: [spec('app', { requireSsl: false })], live: [liveIamUser('app', [onDatabase('app', 'SELECT')])] },
        ["ALTER USER 'app'@'%' REQUIRE NONE"],
      ],
      [
        'treats a hand-made wildcard grant on my_db as drift: grants the exact pattern, revokes the wildcard',
        { desired: [spec('app', { grants: [{ privileges: ['SELECT'], on: 'my_db.*' }] })], live: [liveIamUser('app', [onDatabase('my_db', 'SELECT')])] },
        ["GRANT SELECT ON `my\\_db`.* TO 'app'@'%'", "REVOKE SELECT ON `my_db`.* FROM 'app'@'%'"],
      ],
      [
        'sees the exact pattern it granted before as no change',
        { desired: [spec('app', { grants: [{ privileges: ['SELECT'], on: 'my_db.*' }] })], live: [liveIamUser('app', [onDatabase('my\\_db', 'SELECT')])] },
        [],
      ],
      [
        'compares folded names when the server stores them in lower case',
        {
          identifierCase: 'lower',
          desired: [spec('app', { grants: [{ privileges: ['SELECT'], on: 'App.Orders' }] })],
          live: [liveIamUser('app', [onTable('app', 'orders', 'SELECT')])],
        },
        [],
      ],
      [
        'grants a declared MySQL dynamic privilege on *.* and sees it held as no change',
        { desired: [spec('app', { grants: [{ privileges: ['show_routine'], on: '*.*' }] })], live: [liveIamUser('app', [onGlobal('SHOW_ROUTINE')])] },
        [],
      ],
      [
        'revokes a hand-made dynamic privilege like any other drift',
        { desired: [spec('app', { grants: [{ privileges: ['SHOW_ROUTINE'], on: '*.*' }] })], live: [liveIamUser('app', [onGlobal('SHOW_ROUTINE'), onGlobal('XA_RECOVER_ADMIN')])] },
        ["REVOKE XA_RECOVER_ADMIN ON *.* FROM 'app'@'%'"],
      ],
      [
        // MySQL keeps the option per dynamic privilege: REVOKE GRANT OPTION ON *.* would leave it.
        'sheds a hand-made grant option on a declared dynamic privilege by revoking it and granting it again',
        { desired: [spec('app', { grants: [{ privileges: ['SHOW_ROUTINE'], on: '*.*' }] })], live: [liveIamUser('app', [onGlobal('SHOW_ROUTINE', true)])] },
        ["REVOKE SHOW_ROUTINE ON *.* FROM 'app'@'%'", "GRANT SHOW_ROUTINE ON *.* TO 'app'@'%'"],
      ],
      [
        'revokes GRANT OPTION on *.* for a static privilege held with it, next to a dynamic one shed the same way',
        {
          desired: [spec('app', { grants: [{ privileges: ['PROCESS', 'XA_RECOVER_ADMIN'], on: '*.*' }] })],
          live: [liveIamUser('app', [onGlobal('PROCESS', true), onGlobal('XA_RECOVER_ADMIN', true)])],
        },
        ["REVOKE XA_RECOVER_ADMIN, GRANT OPTION ON *.* FROM 'app'@'%'", "GRANT XA_RECOVER_ADMIN ON *.* TO 'app'@'%'"],
      ],
    ])('%s', (_case, scenario, expected) => {
      expect(sqlOf(scenario)).toEqual(expected);
    });

    it("on MariaDB, reads the server's BINLOG MONITOR as the declared REPLICATION CLIENT", () => {
      const scenario: Scenario = {
        engine: 'mariadb',
        // BINLOG MONITOR lists binary log events, so it needs the user's explicit opt-in.
        desired: [spec('app', {
          grants: [{ privileges: ['REPLICATION CLIENT'], on: '*.*' }],
          allowPrivileged: { reason: 'replication lag monitoring reads binary log positions', grants: [{ privileges: ['REPLICATION CLIENT'], on: '*.*' }] },
        })],
        live: [liveIamUser('app', [onGlobal('BINLOG MONITOR')])],
      };
      expect(sqlOf(scenario)).toEqual([]);
      expect(sqlOf({ ...scenario, live: [] })[1]).toBe("GRANT BINLOG MONITOR ON *.* TO 'app'@'%'");
    });

    it('counts what it does and what already matched', () => {
      const result = plan({
        desired: [spec('new_user'), spec('same'), spec('drifted')],
        previous: [spec('old_user'), spec('kept', { removalPolicy: 'retain' })],
        live: [
          liveIamUser('same', [onDatabase('app', 'SELECT')]),
          liveIamUser('drifted', [onDatabase('app', 'DELETE')], ''),
          liveIamUser('old_user'),
          liveIamUser('kept'),
        ],
      });
      expect(result.counts).toEqual({ created: 1, altered: 1, granted: 2, revoked: 1, dropped: 1, retained: 1, unchanged: 1, leftAlone: 0 });
      expect(result.changedUsers).toEqual(['new_user', 'drifted', 'old_user']);
      expect(result.retainedUsers).toEqual(['kept']);
    });
  });

  describe('never taking a user over silently', () => {
    it('refuses every declared user that exists with another plugin, naming them and the opt-in, before planning anything', () => {
      let error: unknown;
      try {
        plan({ desired: [spec('fine'), spec('alice'), spec('bob')], live: [livePasswordUser('alice'), livePasswordUser('bob')] });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UserTakeoverError);
      expect((error as UserTakeoverError).code).toBe('RDS_IAM_USER_TAKEOVER_REFUSED');
      expect((error as UserTakeoverError).users.map((user) => user.username)).toEqual(['alice', 'bob']);
      expect((error as Error).message).toMatch(/'alice' \(plugin mysql_native_password\).*adoptExistingUser: true/s);
    });

    it('converts the user when the declaration opts in, then converges its grants', () => {
      expect(sqlOf({ desired: [spec('alice', { adoptExistingUser: true })], live: [livePasswordUser('alice')] })).toEqual([
        "ALTER USER 'alice'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
        "GRANT SELECT ON `app`.* TO 'alice'@'%'",
      ]);
    });

    it('takes over an existing IAM user (left by a half-finished run) without asking', () => {
      expect(sqlOf({ desired: [spec('app')], live: [liveIamUser('app')] })).toEqual(["GRANT SELECT ON `app`.* TO 'app'@'%'"]);
    });
  });

  describe('users leaving the declaration', () => {
    it.each<[string, Scenario, string[]]>([
      ['drops a user no longer declared', { previous: [spec('old')], live: [liveIamUser('old')] }, ["DROP USER IF EXISTS 'old'@'%'"]],
      ['keeps a user no longer declared that was declared with retain', { previous: [spec('old', { removalPolicy: 'retain' })], live: [liveIamUser('old')] }, []],
      ['has nothing to drop when the user is already gone', { previous: [spec('old')] }, []],
      [
        'renames by creating the new user and granting before dropping the old one',
        { desired: [spec('new_name')], previous: [spec('old_name')], live: [liveIamUser('old_name', [onDatabase('app', 'SELECT')])] },
        [
          "CREATE USER IF NOT EXISTS 'new_name'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
          "GRANT SELECT ON `app`.* TO 'new_name'@'%'",
          "DROP USER IF EXISTS 'old_name'@'%'",
        ],
      ],
      [
        'orders grants, then revokes, then drops, across users',
        {
          desired: [spec('a', { grants: [] }), spec('b')],
          previous: [spec('c')],
          live: [liveIamUser('a', [onDatabase('app', 'SELECT')]), liveIamUser('c')],
        },
        [
          "CREATE USER IF NOT EXISTS 'b'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
          "GRANT SELECT ON `app`.* TO 'b'@'%'",
          "REVOKE SELECT ON `app`.* FROM 'a'@'%'",
          "DROP USER IF EXISTS 'c'@'%'",
        ],
      ],
      [
        'restores the old users and grants exactly on a rollback (an Update back to the old properties)',
        {
          desired: [spec('old_name', { grants: [{ privileges: ['SELECT', 'INSERT'], on: 'app.*' }] })],
          previous: [spec('new_name', { grants: [{ privileges: ['SELECT'], on: 'app.*' }] })],
          live: [liveIamUser('new_name', [onDatabase('app', 'SELECT')])],
        },
        [
          "CREATE USER IF NOT EXISTS 'old_name'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
          "GRANT INSERT, SELECT ON `app`.* TO 'old_name'@'%'",
          "DROP USER IF EXISTS 'new_name'@'%'",
        ],
      ],
      [
        'lets the current declaration decide: a user now declared with retain is not dropped on remove',
        { operation: 'remove', desired: [spec('a', { removalPolicy: 'retain' })], previous: [spec('a')], live: [liveIamUser('a')] },
        [],
      ],
      [
        'on remove, drops every declared user except the retained ones',
        {
          operation: 'remove',
          desired: [spec('a'), spec('b', { removalPolicy: 'retain' }), spec('c')],
          live: [liveIamUser('a'), liveIamUser('b'), liveIamUser('c')],
        },
        ["DROP USER IF EXISTS 'a'@'%'", "DROP USER IF EXISTS 'c'@'%'"],
      ],
      ['on remove, has nothing to do when every user is already gone', { operation: 'remove', desired: [spec('a'), spec('b')] }, []],
    ])('%s', (_case, scenario, expected) => {
      expect(sqlOf(scenario)).toEqual(expected);
    });

    it('leaves alone a user due to be dropped that does not authenticate with IAM, saying why', () => {
      const result = plan({ operation: 'remove', desired: [spec('alice')], live: [livePasswordUser('alice')] });
      expect(result.statements).toEqual([]);
      expect(result.leftAloneUsers).toEqual([{ username: 'alice', reason: expect.stringContaining('mysql_native_password') }]);
      expect(result.counts.leftAlone).toBe(1);
    });

    it('counts a retained user only while it exists', () => {
      const previous = [spec('kept', { removalPolicy: 'retain' })];
      expect(plan({ previous, live: [liveIamUser('kept')] }).counts.retained).toBe(1);
      expect(plan({ previous }).counts.retained).toBe(0);
    });
  });
});

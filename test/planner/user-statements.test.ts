import {
  adoptUserStatement,
  createUserStatement,
  dropUserStatement,
  grantStatement,
  requireSslStatement,
  revokeStatement,
  undoStatements,
} from '../../lib/planner/user-statements';
import { UnexpectedServerStateError } from '../../lib/planner/planner-errors';

describe('user statements', () => {
  it.each([
    ['mysql', true, "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL"],
    ['mysql', false, "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE NONE"],
    ['mariadb', true, "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL"],
  ] as const)('creates an IAM user on %s (requireSsl %s) in the engine’s documented spelling', (engine, requireSsl, sql) => {
    expect(createUserStatement(engine, 'app', requireSsl)).toEqual({ kind: 'create-user', username: 'app', sql, undo: dropUserStatement('app') });
  });

  it('knows the statement that takes each one back, to undo a failed Create', () => {
    const database = { level: 'database', databasePattern: 'app' } as const;
    expect(createUserStatement('mysql', 'app', true).undo?.sql).toBe("DROP USER IF EXISTS 'app'@'%'");
    expect(grantStatement('app', database, ['SELECT']).undo?.sql).toBe("REVOKE SELECT ON `app`.* FROM 'app'@'%'");
    expect(revokeStatement('app', database, ['DELETE']).undo?.sql).toBe("GRANT DELETE ON `app`.* TO 'app'@'%'");
    expect(revokeStatement('app', database, ['DELETE', 'GRANT OPTION']).undo?.sql).toBe("GRANT DELETE ON `app`.* TO 'app'@'%' WITH GRANT OPTION");
    expect(requireSslStatement('app', true).undo?.sql).toBe("ALTER USER 'app'@'%' REQUIRE NONE");
    expect(adoptUserStatement('mysql', 'app', true).undo).toBeUndefined();
    expect(dropUserStatement('app').undo).toBeUndefined();
  });

  it('undoes the statements that ran, last first', () => {
    const database = { level: 'database', databasePattern: 'app' } as const;
    const ran = [createUserStatement('mysql', 'app', true), grantStatement('app', database, ['SELECT']), adoptUserStatement('mysql', 'old', true)];
    expect(undoStatements(ran).map((statement) => statement.sql)).toEqual(["REVOKE SELECT ON `app`.* FROM 'app'@'%'", "DROP USER IF EXISTS 'app'@'%'"]);
  });

  it('adopts, re-requires, grants, revokes and drops with the account quoted by mysql2', () => {
    expect(adoptUserStatement('mysql', 'app', true).sql).toBe(
      "ALTER USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
    );
    expect(requireSslStatement('app', false).sql).toBe("ALTER USER 'app'@'%' REQUIRE NONE");
    expect(grantStatement('app', { level: 'database', databasePattern: 'my\\_db' }, ['INSERT', 'SELECT']).sql).toBe(
      "GRANT INSERT, SELECT ON `my\\_db`.* TO 'app'@'%'",
    );
    expect(revokeStatement('app', { level: 'global' }, ['PROCESS', 'GRANT OPTION']).sql).toBe(
      "REVOKE PROCESS, GRANT OPTION ON *.* FROM 'app'@'%'",
    );
    expect(dropUserStatement('app')).toEqual({ kind: 'drop-user', username: 'app', sql: "DROP USER IF EXISTS 'app'@'%'" });
  });

  it('escapes a quote in a user name instead of ending the string', () => {
    expect(dropUserStatement("x' OR 1=1 -- ").sql).toBe("DROP USER IF EXISTS 'x\\' OR 1=1 -- '@'%'");
  });

  it.each([['SELECT; DROP TABLE t'], ['select'], ['SELECT (a)'], ['']])(
    'refuses to put the privilege name %j read from a server into SQL',
    (privilege) => {
      expect(() => revokeStatement('app', { level: 'global' }, [privilege])).toThrow(UnexpectedServerStateError);
    },
  );
});

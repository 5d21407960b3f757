import type { DatabaseEngineFamily } from '../../lib/users/database-user-spec';
import { parseGrantTarget } from '../../lib/users/grant-target';
import { privilegedGrantFinding, PrivilegedGrantRule, systemSchemaOf } from '../../lib/users/privileged-grants';

const finding = (engine: DatabaseEngineFamily, privilege: string, on: string) => privilegedGrantFinding(engine, privilege, parseGrantTarget(on));

describe('privilegedGrantFinding', () => {
  it.each<[DatabaseEngineFamily, string, string, PrivilegedGrantRule, boolean]>([
    // The system schemas, any case, any level, any privilege.
    ['mysql', 'SELECT', 'mysql.*', 'system-schema', true],
    ['mysql', 'SELECT', 'mysql.user', 'system-schema', true],
    ['mariadb', 'UPDATE', 'mysql.global_priv', 'system-schema', true],
    ['mysql', 'SELECT', 'MYSQL.USER', 'system-schema', true],
    ['mysql', 'EXECUTE', 'sys.*', 'system-schema', true],
    ['mysql', 'SELECT', 'Performance_Schema.threads', 'system-schema', true],
    ['mariadb', 'SELECT', 'information_schema.*', 'system-schema', true],
    // Account management, wherever it is granted.
    ['mysql', 'CREATE USER', '*.*', 'account-admin', true],
    ['mariadb', 'CREATE USER', '*.*', 'account-admin', true],
    ['mysql', 'GRANT OPTION', 'app.*', 'account-admin', false],
    ['mysql', 'CREATE ROLE', '*.*', 'account-admin', false],
    ['mysql', 'DROP ROLE', '*.*', 'account-admin', false],
    ['mysql', 'ROLE_ADMIN', '*.*', 'account-admin', true],
    ['mysql', 'SYSTEM_USER', '*.*', 'account-admin', false],
    ['mysql', 'SET_USER_ID', '*.*', 'account-admin', true],
    ['mysql', 'SET_ANY_DEFINER', '*.*', 'account-admin', false],
    ['mysql', 'ALLOW_NONEXISTENT_DEFINER', '*.*', 'account-admin', false],
    ['mysql', 'AUTHENTICATION_POLICY_ADMIN', '*.*', 'account-admin', false],
    ['mysql', 'PASSWORDLESS_USER_ADMIN', '*.*', 'account-admin', false],
    ['mariadb', 'SET USER', '*.*', 'account-admin', false],
    ['mysql', 'SUPER', '*.*', 'account-admin', false],
    ['mysql', 'PROXY', '*.*', 'account-admin', false],
    // The server every account runs on.
    ['mysql', 'CONNECTION_ADMIN', '*.*', 'server-admin', false],
    ['mariadb', 'CONNECTION ADMIN', '*.*', 'server-admin', false],
    ['mariadb', 'READ_ONLY ADMIN', '*.*', 'server-admin', false],
    ['mysql', 'SYSTEM_VARIABLES_ADMIN', '*.*', 'server-admin', false],
    ['mariadb', 'FEDERATED ADMIN', '*.*', 'server-admin', false],
    ['mysql', 'FILE', '*.*', 'server-admin', false],
    // Every database through *.*, and the binary log.
    ['mysql', 'SELECT', '*.*', 'all-databases', true],
    ['mysql', 'UPDATE', '*.*', 'all-databases', true],
    ['mariadb', 'DELETE', '*.*', 'all-databases', true],
    ['mysql', 'EXECUTE', '*.*', 'all-databases', true],
    ['mysql', 'REPLICATION SLAVE', '*.*', 'all-databases', true],
    ['mariadb', 'BINLOG MONITOR', '*.*', 'all-databases', true],
  ])('%s: %s on %s is refused by %s (waivable: %s)', (engine, privilege, on, rule, waivable) => {
    expect(finding(engine, privilege, on)).toMatchObject({ rule, waivable });
  });

  it.each<[DatabaseEngineFamily, string, string]>([
    ['mysql', 'SELECT', 'app.*'],
    ['mysql', 'UPDATE', 'app.orders'],
    ['mysql', 'ALTER ROUTINE', 'my_sql.*'],
    ['mysql', 'SELECT', 'sys_app.*'],
    ['mysql', 'PROCESS', '*.*'],
    ['mysql', 'RELOAD', '*.*'],
    ['mysql', 'SHOW DATABASES', '*.*'],
    // MySQL's REPLICATION CLIENT only shows binary log names and positions.
    ['mysql', 'REPLICATION CLIENT', '*.*'],
  ])('%s: %s on %s is not refused', (engine, privilege, on) => {
    expect(finding(engine, privilege, on)).toBeUndefined();
  });
});

describe('systemSchemaOf', () => {
  it.each<[string, string | undefined]>([
    ['mysql.*', 'mysql'], ['INFORMATION_SCHEMA.tables', 'information_schema'], ['*.*', undefined], ['mysql2.*', undefined],
  ])('%s is in %s', (on, schema) => {
    expect(systemSchemaOf(parseGrantTarget(on))).toBe(schema);
  });
});

import { format } from 'mysql2';
import { RDS_MASTER_GRANTABLE_PRIVILEGES, canonicalPrivilegeName, privilegeLevels } from '../users/privileges';
import type { EmulatorEngine } from './emulator-options';

/** The master user RDS creates by default. */
export const DEFAULT_ADMIN_USER = 'admin';

/**
 * Dynamic privileges RDS for MySQL 8.4.3+ gives its master user (through `rds_superuser_role`) and so lets it grant;
 * the others (`BACKUP_ADMIN`, `BINLOG_ADMIN`, `CONNECTION_ADMIN`, `SYSTEM_VARIABLES_ADMIN`, …) are withheld.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.CommonDBATasks.dynamic-privileges.html
 */
export const RDS_MYSQL_MASTER_DYNAMIC_PRIVILEGES: readonly string[] = [
  'APPLICATION_PASSWORD_ADMIN',
  'FLUSH_OPTIMIZER_COSTS',
  'FLUSH_PRIVILEGES',
  'FLUSH_STATUS',
  'FLUSH_TABLES',
  'FLUSH_USER_RESOURCES',
  'ROLE_ADMIN',
  'SHOW_ROUTINE',
  'XA_RECOVER_ADMIN',
];

/**
 * What RDS for MySQL 8.0.36+ keeps its master user from doing in the `mysql` schema: no direct changes to the grant
 * tables or new objects there (it may still read them). Vanilla MySQL expresses that as a partial revoke.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.CommonDBATasks.privilege-model.html
 */
const MYSQL_SCHEMA_CHANGES = [
  'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'INDEX', 'REFERENCES', 'CREATE VIEW', 'CREATE ROUTINE',
  'ALTER ROUTINE', 'EVENT', 'TRIGGER', 'LOCK TABLES', 'CREATE TEMPORARY TABLES',
];

/**
 * SQL that creates the emulator's master user the way RDS does: a password user on any host holding what the RDS
 * master user holds `WITH GRANT OPTION`, and nothing more (no SUPER, no FILE), so code that works against the
 * emulator does not lean on privileges RDS will refuse it. On MySQL also `CREATE ROLE`, `DROP ROLE` and RDS's
 * dynamic privileges, and no direct changes to `mysql.*`.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html
 */
export function masterAccountStatements(engine: EmulatorEngine, adminUser: string, adminPassword: string): string[] {
  const privileges = masterPrivileges(engine);
  // Constant names from the shared catalogue, not input: they are SQL keywords and cannot be placeholders.
  const statements = [
    format('CREATE USER ?@? IDENTIFIED BY ?', [adminUser, '%', adminPassword]),
    format(`GRANT ${privileges.join(', ')} ON *.* TO ?@? WITH GRANT OPTION`, [adminUser, '%']),
  ];
  if (engine === 'mysql') statements.push(format(`REVOKE ${MYSQL_SCHEMA_CHANGES.join(', ')} ON mysql.* FROM ?@?`, [adminUser, '%']));
  return statements;
}

/** Every privilege the emulator's master user holds on an engine, sorted. */
export function masterPrivileges(engine: EmulatorEngine): string[] {
  const staticPrivileges = [...RDS_MASTER_GRANTABLE_PRIVILEGES]
    .map((name) => canonicalPrivilegeName(engine, name))
    .filter((name) => privilegeLevels(engine, name) !== undefined);
  const extra = engine === 'mysql' ? ['CREATE ROLE', 'DROP ROLE', ...RDS_MYSQL_MASTER_DYNAMIC_PRIVILEGES] : [];
  return [...new Set([...staticPrivileges, ...extra])].sort();
}

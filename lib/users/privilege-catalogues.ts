import type { DatabaseEngineFamily } from './database-user-spec';

/**
 * Dynamic privileges by server line, and which of them the RDS master user holds (and so can grant). MySQL 8.0+
 * defines these at run time (`GRANT XA_RECOVER_ADMIN ON *.*`, kept in `mysql.global_grants` and reported by
 * `information_schema.USER_PRIVILEGES`); MariaDB has none (the same statement is a syntax error there), its extra
 * privileges are static and live with the other static ones in privileges.ts.
 *
 * Lines: RDS for MySQL 8.0 (8.0.36+: the role-based model) and Aurora MySQL 3; RDS for MySQL 8.4 and Aurora MySQL's
 * 8.4-compatible line; RDS for MySQL 9.7 (checked against the emulator's real MySQL 9.7 by
 * test/emulator/privilege-catalogue.test.ts).
 */
export type ServerLine = 'mysql-8.0' | 'mysql-8.4' | 'mysql-9.7' | 'mariadb-10.11' | 'mariadb-11';

/** Every server-wide dynamic privilege of MySQL 8.0 (community server and RDS's plugins). */
const MYSQL_80_DYNAMIC = [
  'APPLICATION_PASSWORD_ADMIN', 'AUDIT_ABORT_EXEMPT', 'AUDIT_ADMIN', 'AUTHENTICATION_POLICY_ADMIN', 'BACKUP_ADMIN',
  'BINLOG_ADMIN', 'BINLOG_ENCRYPTION_ADMIN', 'CLONE_ADMIN', 'CONNECTION_ADMIN', 'ENCRYPTION_KEY_ADMIN', 'FIREWALL_EXEMPT',
  'FLUSH_OPTIMIZER_COSTS', 'FLUSH_STATUS', 'FLUSH_TABLES', 'FLUSH_USER_RESOURCES', 'GROUP_REPLICATION_ADMIN',
  'GROUP_REPLICATION_STREAM', 'INNODB_REDO_LOG_ARCHIVE', 'INNODB_REDO_LOG_ENABLE', 'PASSWORDLESS_USER_ADMIN',
  'PERSIST_RO_VARIABLES_ADMIN', 'REPLICATION_APPLIER', 'REPLICATION_SLAVE_ADMIN', 'RESOURCE_GROUP_ADMIN',
  'RESOURCE_GROUP_USER', 'ROLE_ADMIN', 'SENSITIVE_VARIABLES_OBSERVER', 'SERVICE_CONNECTION_ADMIN',
  'SESSION_VARIABLES_ADMIN', 'SET_USER_ID', 'SHOW_ROUTINE', 'SYSTEM_USER', 'SYSTEM_VARIABLES_ADMIN',
  'TABLE_ENCRYPTION_ADMIN', 'XA_RECOVER_ADMIN',
] as const;

/** 8.4 replaced SET_USER_ID by SET_ANY_DEFINER and ALLOW_NONEXISTENT_DEFINER, and added a few. */
const MYSQL_84_DYNAMIC = [
  ...MYSQL_80_DYNAMIC.filter((name) => name !== 'SET_USER_ID'),
  'ALLOW_NONEXISTENT_DEFINER', 'FLUSH_PRIVILEGES', 'OPTIMIZE_LOCAL_TABLE', 'SET_ANY_DEFINER', 'TELEMETRY_LOG_ADMIN',
  'TRANSACTION_GTID_TAG',
] as const;

const MYSQL_97_DYNAMIC = [...MYSQL_84_DYNAMIC, 'CREATE_SPATIAL_REFERENCE_SYSTEM', 'MANAGE_DATA_MASKING_POLICY'] as const;

const DYNAMIC_PRIVILEGES: Readonly<Record<ServerLine, ReadonlySet<string>>> = {
  'mysql-8.0': new Set(MYSQL_80_DYNAMIC),
  'mysql-8.4': new Set(MYSQL_84_DYNAMIC),
  'mysql-9.7': new Set(MYSQL_97_DYNAMIC),
  'mariadb-10.11': new Set(),
  'mariadb-11': new Set(),
};

/**
 * The dynamic privileges the RDS master user holds through `rds_superuser_role` (RDS for MySQL 8.0.36+, 8.4.3+), so
 * the only ones a declaration may use; RDS withholds the rest (BACKUP_ADMIN, CONNECTION_ADMIN, SYSTEM_VARIABLES_ADMIN, …).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.CommonDBATasks.dynamic-privileges.html
 */
const RDS_MASTER_DYNAMIC: Readonly<Record<ServerLine, readonly string[]>> = {
  'mysql-8.0': [
    'APPLICATION_PASSWORD_ADMIN', 'FLUSH_OPTIMIZER_COSTS', 'FLUSH_STATUS', 'FLUSH_TABLES', 'FLUSH_USER_RESOURCES', 'ROLE_ADMIN',
    'SET_USER_ID', 'SHOW_ROUTINE', 'XA_RECOVER_ADMIN',
  ],
  'mysql-8.4': [
    'APPLICATION_PASSWORD_ADMIN', 'FLUSH_OPTIMIZER_COSTS', 'FLUSH_PRIVILEGES', 'FLUSH_STATUS', 'FLUSH_TABLES',
    'FLUSH_USER_RESOURCES', 'ROLE_ADMIN', 'SHOW_ROUTINE', 'XA_RECOVER_ADMIN',
  ],
  'mysql-9.7': [
    'APPLICATION_PASSWORD_ADMIN', 'FLUSH_OPTIMIZER_COSTS', 'FLUSH_PRIVILEGES', 'FLUSH_STATUS', 'FLUSH_TABLES',
    'FLUSH_USER_RESOURCES', 'ROLE_ADMIN', 'SHOW_ROUTINE', 'XA_RECOVER_ADMIN',
  ],
  'mariadb-10.11': [],
  'mariadb-11': [],
};

/** The line of a server from its `SELECT VERSION()` or a declared engine version (`8.4.8`, `10.11.16-MariaDB`). */
export function serverLine(engine: DatabaseEngineFamily, version: string): ServerLine {
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (engine === 'mariadb') return major >= 11 ? 'mariadb-11' : 'mariadb-10.11';
  if (major > 8 || (major === 8 && minor >= 5)) return 'mysql-9.7';
  return major === 8 && minor === 4 ? 'mysql-8.4' : 'mysql-8.0';
}

const LINES_BY_ENGINE: Readonly<Record<DatabaseEngineFamily, readonly ServerLine[]>> = {
  mysql: ['mysql-8.0', 'mysql-8.4', 'mysql-9.7'],
  mariadb: ['mariadb-10.11', 'mariadb-11'],
};

/**
 * The lines a declaration may run on: the one of its version when that is known (environment config, or the live
 * server's `SELECT VERSION()` in the provisioner), otherwise every line of the engine. Synth without a version then
 * accepts what some line allows, and the provisioner checks again against the server it reaches.
 */
export function serverLinesOf(engine: DatabaseEngineFamily, version?: string): readonly ServerLine[] {
  return version === undefined ? LINES_BY_ENGINE[engine] : [serverLine(engine, version)];
}

/** How a line is named in messages: `MySQL 8.4`, `MariaDB 11`. */
export function serverLineName(line: ServerLine): string {
  const [engine, version] = line.split('-');
  return `${engine === 'mysql' ? 'MySQL' : 'MariaDB'} ${version}`;
}

/** Whether the name is a dynamic privilege of the line. */
export function isDynamicPrivilege(line: ServerLine, privilege: string): boolean {
  return DYNAMIC_PRIVILEGES[line].has(privilege);
}

/** Whether the name is a dynamic privilege of any of the lines. */
export function isDynamicPrivilegeOn(lines: readonly ServerLine[], privilege: string): boolean {
  return lines.some((line) => isDynamicPrivilege(line, privilege));
}

/** Every dynamic privilege of the line, sorted. */
export function dynamicPrivileges(line: ServerLine): string[] {
  return [...DYNAMIC_PRIVILEGES[line]].sort();
}

/** The dynamic privileges the RDS master holds on the line, sorted: what it can grant. */
export function rdsMasterDynamicPrivileges(line: ServerLine): string[] {
  return [...RDS_MASTER_DYNAMIC[line]].sort();
}

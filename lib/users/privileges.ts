import type { DatabaseEngineFamily } from './database-user-spec';
import { isDynamicPrivilegeOn, rdsMasterDynamicPrivileges, serverLinesOf, type ServerLine } from './privilege-catalogues';

/** Where a privilege can be granted: `*.*` is global, `db.*` is database, `db.table` is table. */
export type GrantLevel = 'global' | 'database' | 'table';

const ALL_LEVELS: readonly GrantLevel[] = ['global', 'database', 'table'];
const GLOBAL_AND_DATABASE: readonly GrantLevel[] = ['global', 'database'];
const GLOBAL_ONLY: readonly GrantLevel[] = ['global'];

/** Privileges both engines share, with the levels they apply at. */
const COMMON_PRIVILEGES: Readonly<Record<string, readonly GrantLevel[]>> = {
  'ALTER': ALL_LEVELS,
  'ALTER ROUTINE': GLOBAL_AND_DATABASE,
  'CREATE': ALL_LEVELS,
  'CREATE ROUTINE': GLOBAL_AND_DATABASE,
  'CREATE TABLESPACE': GLOBAL_ONLY,
  'CREATE TEMPORARY TABLES': GLOBAL_AND_DATABASE,
  'CREATE USER': GLOBAL_ONLY,
  'CREATE VIEW': ALL_LEVELS,
  'DELETE': ALL_LEVELS,
  'DROP': ALL_LEVELS,
  'EVENT': GLOBAL_AND_DATABASE,
  'EXECUTE': GLOBAL_AND_DATABASE,
  'FILE': GLOBAL_ONLY,
  'INDEX': ALL_LEVELS,
  'INSERT': ALL_LEVELS,
  'LOCK TABLES': GLOBAL_AND_DATABASE,
  'PROCESS': GLOBAL_ONLY,
  'REFERENCES': ALL_LEVELS,
  'RELOAD': GLOBAL_ONLY,
  'REPLICATION CLIENT': GLOBAL_ONLY,
  'REPLICATION SLAVE': GLOBAL_ONLY,
  'SELECT': ALL_LEVELS,
  'SHOW DATABASES': GLOBAL_ONLY,
  'SHOW VIEW': ALL_LEVELS,
  'SHUTDOWN': GLOBAL_ONLY,
  'SUPER': GLOBAL_ONLY,
  'TRIGGER': ALL_LEVELS,
  'UPDATE': ALL_LEVELS,
};

/** Static privileges of MySQL 8.0, 8.4 and 9.7; the dynamic ones, global only, are in privilege-catalogues.ts. */
const MYSQL_PRIVILEGES: Readonly<Record<string, readonly GrantLevel[]>> = {
  ...COMMON_PRIVILEGES,
  'CREATE ROLE': GLOBAL_ONLY,
  'DROP ROLE': GLOBAL_ONLY,
};

/** Privileges of MariaDB 10.6–11 (RDS for MariaDB). */
const MARIADB_PRIVILEGES: Readonly<Record<string, readonly GrantLevel[]>> = {
  ...COMMON_PRIVILEGES,
  'DELETE HISTORY': ALL_LEVELS,
  'BINLOG ADMIN': GLOBAL_ONLY,
  'BINLOG MONITOR': GLOBAL_ONLY,
  'BINLOG REPLAY': GLOBAL_ONLY,
  'CONNECTION ADMIN': GLOBAL_ONLY,
  'FEDERATED ADMIN': GLOBAL_ONLY,
  'READ_ONLY ADMIN': GLOBAL_ONLY,
  'REPLICATION MASTER ADMIN': GLOBAL_ONLY,
  'REPLICATION SLAVE ADMIN': GLOBAL_ONLY,
  'SET USER': GLOBAL_ONLY,
  'SLAVE MONITOR': GLOBAL_ONLY,
};

const PRIVILEGES_BY_ENGINE: Readonly<Record<DatabaseEngineFamily, Readonly<Record<string, readonly GrantLevel[]>>>> = {
  mysql: MYSQL_PRIVILEGES,
  mariadb: MARIADB_PRIVILEGES,
};

/**
 * Other spellings a server accepts for the same privilege, mapped to the name this project uses.
 * MariaDB 10.5+ reports `REPLICATION CLIENT` as `BINLOG MONITOR` in information_schema.
 */
const PRIVILEGE_ALIASES: Readonly<Record<DatabaseEngineFamily, Readonly<Record<string, string>>>> = {
  mysql: {},
  mariadb: {
    'REPLICATION CLIENT': 'BINLOG MONITOR',
    'REPLICATION REPLICA': 'REPLICATION SLAVE',
  },
};

/**
 * What the RDS master user holds `WITH GRANT OPTION`, and so the only privileges it can grant.
 * `SUPER`, `FILE`, `SHUTDOWN`, `CREATE TABLESPACE` and the MariaDB admin privileges are not among them.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html
 */
export const RDS_MASTER_GRANTABLE_PRIVILEGES: ReadonlySet<string> = new Set([
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'RELOAD', 'PROCESS', 'REFERENCES', 'INDEX', 'ALTER',
  'SHOW DATABASES', 'CREATE TEMPORARY TABLES', 'LOCK TABLES', 'EXECUTE', 'REPLICATION SLAVE', 'REPLICATION CLIENT',
  'BINLOG MONITOR', 'CREATE VIEW', 'SHOW VIEW', 'CREATE ROUTINE', 'ALTER ROUTINE', 'CREATE USER', 'EVENT', 'TRIGGER',
]);

/** Spelling of "every privilege" a user may declare; expanded per level by {@link expandAllPrivileges}. */
export const ALL_PRIVILEGES = 'ALL PRIVILEGES';

/** Upper-cases and folds white space: `' select '` → `SELECT`, `all` → `ALL PRIVILEGES`, engine aliases resolved. */
export function canonicalPrivilegeName(engine: DatabaseEngineFamily, name: string): string {
  const folded = name.trim().replace(/\s+/g, ' ').toUpperCase();
  if (folded === 'ALL') return ALL_PRIVILEGES;
  return PRIVILEGE_ALIASES[engine][folded] ?? folded;
}

/**
 * The levels a (canonical) privilege can be granted at on an engine, or undefined when the engine has no such
 * privilege. A dynamic privilege (MySQL 8.0+) is global only, and known when any of `lines` has it.
 * @param lines the server lines the grant may run on (default: every line of the engine)
 */
export function privilegeLevels(engine: DatabaseEngineFamily, privilege: string, lines: readonly ServerLine[] = serverLinesOf(engine)): readonly GrantLevel[] | undefined {
  const levels = PRIVILEGES_BY_ENGINE[engine][privilege];
  if (levels !== undefined) return levels;
  return isDynamicPrivilegeOn(lines, privilege) ? GLOBAL_ONLY : undefined;
}

/**
 * Whether the (canonical) privilege is one of the engine's static privileges. On MySQL any other global privilege is
 * a dynamic one, kept in `mysql.global_grants` with its own grant option.
 */
export function isStaticPrivilege(engine: DatabaseEngineFamily, privilege: string): boolean {
  return PRIVILEGES_BY_ENGINE[engine][privilege] !== undefined;
}

/**
 * Whether the RDS master user can grant the (canonical) privilege on at least one of `lines`: a static one it holds
 * `WITH GRANT OPTION`, or a dynamic one RDS gives it on that line.
 */
export function rdsMasterCanGrant(engine: DatabaseEngineFamily, privilege: string, lines: readonly ServerLine[] = serverLinesOf(engine)): boolean {
  if (PRIVILEGES_BY_ENGINE[engine][privilege] !== undefined) return RDS_MASTER_GRANTABLE_PRIVILEGES.has(privilege);
  return lines.some((line) => rdsMasterDynamicPrivileges(line).includes(privilege));
}

/**
 * Every privilege of the engine that applies at the level and that the RDS master user can grant on every one of
 * `lines`, sorted: what `ALL` means there. Dynamic privileges are global only, so `ALL` on `db.*` or `db.table` is
 * static privileges alone (MySQL: 18 on a database; MariaDB: 18, its admin lacking `DELETE HISTORY`).
 */
export function expandAllPrivileges(engine: DatabaseEngineFamily, level: GrantLevel, lines: readonly ServerLine[] = serverLinesOf(engine)): string[] {
  const staticPrivileges = Object.entries(PRIVILEGES_BY_ENGINE[engine])
    .filter(([name, levels]) => levels.includes(level) && RDS_MASTER_GRANTABLE_PRIVILEGES.has(name))
    .map(([name]) => name);
  const dynamicPrivileges =
    level !== 'global' || lines.length === 0
      ? []
      : rdsMasterDynamicPrivileges(lines[0]).filter((name) => lines.every((line) => rdsMasterDynamicPrivileges(line).includes(name)));
  return [...staticPrivileges, ...dynamicPrivileges].sort();
}

/** Every privilege name the engine knows, sorted (for error messages), with the dynamic ones the RDS master can grant on `lines`. */
export function knownPrivileges(engine: DatabaseEngineFamily, lines: readonly ServerLine[] = serverLinesOf(engine)): string[] {
  const dynamic = lines.flatMap((line) => rdsMasterDynamicPrivileges(line));
  return [...new Set([...Object.keys(PRIVILEGES_BY_ENGINE[engine]), ...dynamic])].sort();
}

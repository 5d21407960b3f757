import type { DatabaseEngineFamily } from './database-user-spec';

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

/** Static privileges of MySQL 8.0 (Aurora MySQL 3, RDS for MySQL 8.0). Dynamic privileges are not managed. */
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

/** The levels a (canonical) privilege can be granted at on an engine, or undefined when the engine has no such privilege. */
export function privilegeLevels(engine: DatabaseEngineFamily, privilege: string): readonly GrantLevel[] | undefined {
  return PRIVILEGES_BY_ENGINE[engine][privilege];
}

/** Every privilege of the engine that applies at the level and that the RDS master user can grant, sorted. */
export function expandAllPrivileges(engine: DatabaseEngineFamily, level: GrantLevel): string[] {
  return Object.entries(PRIVILEGES_BY_ENGINE[engine])
    .filter(([name, levels]) => levels.includes(level) && RDS_MASTER_GRANTABLE_PRIVILEGES.has(name))
    .map(([name]) => name)
    .sort();
}

/** Every privilege name the engine knows, sorted (for error messages). */
export function knownPrivileges(engine: DatabaseEngineFamily): string[] {
  return Object.keys(PRIVILEGES_BY_ENGINE[engine]).sort();
}

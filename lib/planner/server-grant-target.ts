import { escapeId } from './mysql2-escape';
import { exactDatabasePattern } from './exact-database-pattern';
import type { GrantTarget } from '../users/grant-target';

/**
 * A grant target in the form the server stores and reports it.
 *
 * At the database level MySQL and MariaDB read the name as a LIKE pattern: `GRANT SELECT ON my_db.*` also covers
 * `myXdb`. The planner grants on the exact pattern `my\_db` instead, which `SCHEMA_PRIVILEGES.TABLE_SCHEMA` then
 * reports verbatim, so a hand-made wildcard grant on `my_db` shows up as a different target (drift) and is revoked.
 * Table-level names are never patterns.
 */
export type ServerGrantTarget =
  | { readonly level: 'global' }
  | { readonly level: 'database'; readonly databasePattern: string }
  | { readonly level: 'table'; readonly database: string; readonly table: string }
  /** Only ever read from the server: declarations have no column grants, so every one is drift to revoke. */
  | { readonly level: 'column'; readonly database: string; readonly table: string; readonly column: string };

/**
 * How the server compares database and table names. With `lower_case_table_names` = 1 it stores them in lower
 * case, so a declared `App.*` comes back as `app`; comparing exactly would revoke what was just granted.
 */
export type IdentifierCase = 'exact' | 'lower';

export { exactDatabasePattern };

/** The server form of a declared target. */
export function toServerGrantTarget(target: GrantTarget, identifierCase: IdentifierCase = 'exact'): ServerGrantTarget {
  const fold = (name: string): string => (identifierCase === 'lower' ? name.toLowerCase() : name);
  switch (target.level) {
    case 'global':
      return target;
    case 'database':
      return { level: 'database', databasePattern: exactDatabasePattern(fold(target.database)) };
    case 'table':
      return { level: 'table', database: fold(target.database), table: fold(target.table) };
  }
}

/** A string that identifies a target unambiguously, for maps; it sorts global, database, table, then column targets. */
export function serverGrantTargetKey(target: ServerGrantTarget): string {
  switch (target.level) {
    case 'global':
      return '0';
    case 'database':
      return `1${JSON.stringify([target.databasePattern])}`;
    case 'table':
      return `2${JSON.stringify([target.database, target.table])}`;
    case 'column':
      return `3${JSON.stringify([target.database, target.table, target.column])}`;
  }
}

/**
 * The `ON` clause of a GRANT or REVOKE (for a column: its table; the column goes after each privilege). Names go
 * through mysql2's `escapeId` with qualification forbidden, so a name read from the server that contains a dot or
 * a backtick stays one quoted identifier.
 */
export function serverGrantTargetSql(target: ServerGrantTarget): string {
  switch (target.level) {
    case 'global':
      return '*.*';
    case 'database':
      return `${escapeId(target.databasePattern, true)}.*`;
    case 'table':
    case 'column':
      return `${escapeId(target.database, true)}.${escapeId(target.table, true)}`;
  }
}

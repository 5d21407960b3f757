import { exactDatabasePattern } from '../planner/exact-database-pattern';
import { quoteValue } from './bounded-text';
import { RdsIamError } from '../errors/rds-iam-error';

/** A parsed `*.*`, `db.*` or `db.table`. */
export type GrantTarget =
  | { readonly level: 'global' }
  | { readonly level: 'database'; readonly database: string }
  | { readonly level: 'table'; readonly database: string; readonly table: string };

/**
 * Database and table names this project accepts: ASCII letters, digits, `_`, `$` and `-`, 1 to 64 characters.
 * Narrower than what MySQL allows when quoted, on purpose: no dots (so `db.table` is unambiguous),
 * no quotes, backticks, white space, `%` wildcards or look-alike unicode.
 */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9_$-]{1,64}$/;

/** MySQL's and MariaDB's limit on database and table names, as they appear in the statement. */
export const MAX_IDENTIFIER_LENGTH = 64;

export class GrantTargetError extends RdsIamError {
  constructor(message: string) {
    super('RDS_IAM_INVALID_GRANT_TARGET', message);
    this.name = 'GrantTargetError';
  }
}

/** A parsed target, or why the declared one is not a target (without repeating the value). */
export type GrantTargetCheck = { readonly target: GrantTarget } | { readonly problem: string };

/**
 * Reads `*.*`, `db.*` or `db.table`. Names are checked as the server will see them: in a database-level grant the
 * provisioner escapes `_` (`my\_db`, see `exactDatabasePattern`), and the escaped name must still fit in 64 characters.
 */
export function checkGrantTarget(on: string): GrantTargetCheck {
  if (on === '*.*') return { target: { level: 'global' } };
  const parts = on.split('.');
  if (parts.length !== 2) return { problem: "must be '*.*', 'db.*' or 'db.table'" };
  const [database, table] = parts;
  if (!IDENTIFIER_PATTERN.test(database)) {
    return { problem: `database name ${quoteValue(database)} must be 1-64 characters of A-Z, a-z, 0-9, _, $ or -` };
  }
  if (table === '*') {
    const escaped = exactDatabasePattern(database);
    if (escaped.length > MAX_IDENTIFIER_LENGTH) {
      return {
        problem:
          `database name ${quoteValue(database)} is ${escaped.length} characters once its _ are escaped for the grant ` +
          `(${quoteValue(escaped)}), and the server allows ${MAX_IDENTIFIER_LENGTH}: shorten it, or grant on its tables ` +
          '(db.table), whose names are not escaped',
      };
    }
    return { target: { level: 'database', database } };
  }
  if (!IDENTIFIER_PATTERN.test(table)) {
    return { problem: `table name ${quoteValue(table)} must be '*' or 1-64 characters of A-Z, a-z, 0-9, _, $ or -` };
  }
  return { target: { level: 'table', database, table } };
}

/** Parses `*.*`, `db.*` or `db.table`; throws {@link GrantTargetError} naming the value (bounded) and the accepted forms. */
export function parseGrantTarget(on: string): GrantTarget {
  const checked = checkGrantTarget(on);
  if ('problem' in checked) throw new GrantTargetError(`grant target ${quoteValue(on)}: ${checked.problem}`);
  return checked.target;
}

/** The declared spelling of a target: the inverse of {@link parseGrantTarget}. */
export function formatGrantTarget(target: GrantTarget): string {
  switch (target.level) {
    case 'global':
      return '*.*';
    case 'database':
      return `${target.database}.*`;
    case 'table':
      return `${target.database}.${target.table}`;
  }
}


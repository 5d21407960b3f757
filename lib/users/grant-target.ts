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

export class GrantTargetError extends Error {
  public readonly code = 'RDS_IAM_INVALID_GRANT_TARGET';
  constructor(message: string) {
    super(message);
    this.name = 'GrantTargetError';
  }
}

/** Parses `*.*`, `db.*` or `db.table`; throws {@link GrantTargetError} naming the value and the accepted forms. */
export function parseGrantTarget(on: string): GrantTarget {
  if (on === '*.*') return { level: 'global' };
  const parts = on.split('.');
  if (parts.length !== 2) {
    throw new GrantTargetError(`grant target ${JSON.stringify(on)} must be '*.*', 'db.*' or 'db.table'`);
  }
  const [database, table] = parts;
  if (!IDENTIFIER_PATTERN.test(database)) {
    throw new GrantTargetError(
      `grant target ${JSON.stringify(on)}: database name ${JSON.stringify(database)} must be 1-64 characters of A-Z, a-z, 0-9, _, $ or -`,
    );
  }
  if (table === '*') return { level: 'database', database };
  if (!IDENTIFIER_PATTERN.test(table)) {
    throw new GrantTargetError(
      `grant target ${JSON.stringify(on)}: table name ${JSON.stringify(table)} must be '*' or 1-64 characters of A-Z, a-z, 0-9, _, $ or -`,
    );
  }
  return { level: 'table', database, table };
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


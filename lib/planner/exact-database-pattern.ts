/**
 * At the database level MySQL and MariaDB read a granted name as a LIKE pattern (`GRANT SELECT ON my_db.*` also
 * covers `myXdb`), so the planner grants on the exact pattern. Pure text, no driver: the declaration's validation
 * (lib/users/grant-target.ts) measures the escaped name at synth too.
 */

/** Backslash-escapes the LIKE wildcards `_` and `%` (and the escape character itself). */
export function exactDatabasePattern(database: string): string {
  return database.replace(/[\\_%]/g, (character) => `\\${character}`);
}

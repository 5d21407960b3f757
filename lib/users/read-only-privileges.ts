/**
 * Privileges that change no stored data, schema, routine, account or server setting: everything else counts as a
 * write privilege when grants are reviewed (an unknown privilege too, so a new one is never taken for harmless).
 *
 * `LOCK TABLES` only locks tables the user can already read, and `CREATE TEMPORARY TABLES` makes tables private to the
 * session that vanish with it, so both are here. `EXECUTE` is not: a stored routine can write with its definer's rights.
 * `REPLICATION SLAVE` reads the binary log (every change to every database), which is reading, so it is here; a grant
 * of it on `*.*` is still reported as reading every database. Of MySQL's dynamic privileges, `SHOW_ROUTINE` (reads
 * every routine's definition) and `XA_RECOVER_ADMIN` (lists prepared XA transactions) only read.
 */
export const READ_ONLY_PRIVILEGES: ReadonlySet<string> = new Set([
  'SELECT',
  'SHOW VIEW',
  'SHOW DATABASES',
  'PROCESS',
  'LOCK TABLES',
  'CREATE TEMPORARY TABLES',
  'REPLICATION CLIENT',
  'REPLICATION SLAVE',
  'BINLOG MONITOR',
  'SLAVE MONITOR',
  'SHOW_ROUTINE',
  'XA_RECOVER_ADMIN',
]);

/** True for a (canonical) privilege that can change data, schema, routines, accounts or the server. */
export function isWritePrivilege(privilege: string): boolean {
  return !READ_ONLY_PRIVILEGES.has(privilege);
}

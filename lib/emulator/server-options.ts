/**
 * mariadbd options shared by the template bootstrap and every emulator start. None reads /etc/mysql: every
 * invocation passes --no-defaults first, so a system-wide MariaDB configuration cannot leak in.
 */

/** Storage settings the template data directory is created with; a server started with others would resize its log. */
export const STORAGE_OPTIONS: readonly string[] = ['--innodb-log-file-size=4M', '--innodb-buffer-pool-size=16M'];

/**
 * A throwaway server need not survive a crash, so it trades durability for start-up and statement speed;
 * it also answers like RDS for MySQL 8 does by default (utf8mb4).
 */
export const THROWAWAY_SERVER_OPTIONS: readonly string[] = [
  '--skip-name-resolve',
  '--performance-schema=OFF',
  '--innodb-buffer-pool-load-at-startup=OFF',
  '--innodb-buffer-pool-dump-at-shutdown=OFF',
  '--innodb-temp-data-file-path=ibtmp1:1M:autoextend',
  '--innodb-doublewrite=OFF',
  '--innodb-flush-log-at-trx-commit=0',
  '--character-set-server=utf8mb4',
  '--collation-server=utf8mb4_general_ci',
];

/** mariadbd refuses to run as root unless told to, and the tests run as root in CI containers. */
export function runAsCurrentUserOptions(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}

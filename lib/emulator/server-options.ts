/**
 * Server options shared by both engines, for every emulator start. No invocation reads /etc/mysql: every one
 * passes --no-defaults first, so a system-wide MariaDB or MySQL configuration cannot leak in.
 */

/**
 * A throwaway server need not survive a crash, so it trades durability for start-up and statement speed;
 * it also answers like RDS for MySQL 8 does by default (utf8mb4).
 */
export const THROWAWAY_SERVER_OPTIONS: readonly string[] = [
  '--skip-name-resolve',
  '--performance-schema=OFF',
  '--innodb-buffer-pool-load-at-startup=OFF',
  '--innodb-buffer-pool-dump-at-shutdown=OFF',
  '--innodb-doublewrite=OFF',
  '--innodb-flush-log-at-trx-commit=0',
  '--character-set-server=utf8mb4',
];

/** Both servers refuse to run as root unless told to, and the tests run as root in CI containers. */
export function runAsCurrentUserOptions(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}

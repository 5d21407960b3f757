import { format } from 'mysql2';
import { rdsMasterDynamicPrivileges } from '../users/privilege-catalogues';
import { RDS_MASTER_GRANTABLE_PRIVILEGES, canonicalPrivilegeName, privilegeLevels } from '../users/privileges';
import type { EmulatorEngine } from './emulator-options';

/** The master user RDS creates by default. */
export const DEFAULT_ADMIN_USER = 'admin';

/**
 * SQL that creates the emulator's master user the way RDS does: a password user on any host holding what the RDS
 * master user holds `WITH GRANT OPTION`, and nothing more (no SUPER, no FILE), so code that works against the
 * emulator does not lean on privileges RDS will refuse it. On MySQL also `CREATE ROLE`, `DROP ROLE` and the dynamic
 * privileges RDS gives (none of those it withholds).
 *
 * Not reproduced: RDS for MySQL 8.0.36+ also keeps its master from changing `mysql.*` tables directly (and so from
 * granting dynamic privileges it does not hold). Vanilla MySQL can express that only with `partial_revokes`, which
 * also makes `_` in database-level grants literal, so `GRANT … ON \`my\_db\`.*` would no longer cover `my_db`: the
 * emulator would then disagree with RDS about the very grants the provisioner writes.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html
 */
export function masterAccountStatements(engine: EmulatorEngine, adminUser: string, adminPassword: string): string[] {
  const privileges = masterPrivileges(engine);
  // Constant names from the shared catalogue, not input: they are SQL keywords and cannot be placeholders.
  return [
    format('CREATE USER ?@? IDENTIFIED BY ?', [adminUser, '%', adminPassword]),
    format(`GRANT ${privileges.join(', ')} ON *.* TO ?@? WITH GRANT OPTION`, [adminUser, '%']),
  ];
}

/** Every privilege the emulator's master user holds on an engine, sorted. */
export function masterPrivileges(engine: EmulatorEngine): string[] {
  const staticPrivileges = [...RDS_MASTER_GRANTABLE_PRIVILEGES]
    .map((name) => canonicalPrivilegeName(engine, name))
    .filter((name) => privilegeLevels(engine, name) !== undefined);
  // The emulator runs MySQL 9.7, whose RDS master holds what RDS for MySQL 8.4.3+ gives it.
  const extra = engine === 'mysql' ? ['CREATE ROLE', 'DROP ROLE', ...rdsMasterDynamicPrivileges('mysql-9.7')] : [];
  return [...new Set([...staticPrivileges, ...extra])].sort();
}

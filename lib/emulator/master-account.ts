import { format } from 'mysql2';
import { RDS_MASTER_GRANTABLE_PRIVILEGES } from '../users/privileges';

/** The master user RDS creates by default. */
export const DEFAULT_ADMIN_USER = 'admin';

/**
 * SQL that creates the emulator's master user the way RDS does: a password user on any host holding what the RDS
 * master user holds on MySQL `WITH GRANT OPTION`, and nothing more (no SUPER, no FILE), so code that works
 * against the emulator does not lean on privileges RDS will refuse it.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html
 */
export function masterAccountStatements(adminUser: string, adminPassword: string): string[] {
  // Constant names from the shared catalogue, not input: they are SQL keywords and cannot be placeholders.
  const privileges = [...RDS_MASTER_GRANTABLE_PRIVILEGES].sort().join(', ');
  return [
    format('CREATE USER ?@? IDENTIFIED BY ?', [adminUser, '%', adminPassword]),
    format(`GRANT ${privileges} ON *.* TO ?@? WITH GRANT OPTION`, [adminUser, '%']),
  ];
}

/**
 * Accounts and roles that RDS, Aurora, MySQL and MariaDB keep for themselves: the one list of them. A declared user
 * of such a name would be created, converted (`adoptExistingUser`), granted to, or dropped when it leaves the
 * declaration: none of that may ever happen to them, so the names are refused, with no opt-in. Compared
 * case-insensitively, since the engines' own checks differ by version and platform.
 *
 * Reserved on every engine and version alike, on purpose: which of them a platform actually protects differs
 * (`rdsproxyadmin` only on RDS for MySQL 9.7 and Aurora MySQL 8.4, `rds_superuser_role` from RDS for MySQL 8.0.36,
 * `mariadb.sys` only on MariaDB), but a per-version list would only let a name through on the versions where the
 * platform does not claim it yet, so that an engine upgrade would then make the deployed user collide. Reserving
 * each everywhere costs a name nobody needs and takes no account the validation has to know the version for.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.CommonDBATasks.html#Appendix.MySQL.CommonDBATasks.users
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.MySQL.CommonDBATasks.privilege-model.html
 */

/** Exact names, lower case, with whose they are. */
const RESERVED_ACCOUNTS: Readonly<Record<string, string>> = {
  root: 'the engine superuser',
  rdsadmin: 'the account RDS manages the database with',
  rdsrepladmin: 'the account RDS replicates with',
  rdsrepladmin_priv_checks_user: 'the replication privilege-checks account of RDS',
  rdsproxyadmin: 'the account of RDS Proxy (reserved on RDS for MySQL 9.7 and Aurora MySQL 8.4)',
  rdstopmgr: 'an account RDS manages the instance with',
  rds_superuser_role: 'the role RDS for MySQL 8.0.36+ grants the master user',
  'mysql.sys': 'the definer of the MySQL sys schema',
  'mysql.session': 'the MySQL account plugins run as',
  'mysql.infoschema': 'the definer of the MySQL information_schema views',
  'mariadb.sys': 'the definer of MariaDB system views',
  public: 'the MariaDB PUBLIC role, granted to every account',
};

/** Prefixes, lower case: families of names the engines and AWS add to with new versions. */
const RESERVED_PREFIXES: Readonly<Record<string, string>> = {
  'mysql.': 'MySQL names its internal accounts mysql.*',
  'mariadb.': 'MariaDB names its internal accounts mariadb.*',
  rds: 'RDS names its accounts and roles rds* (rdsadmin, rdsrepladmin, rdsproxyadmin, rdstopmgr, rds_superuser_role…)',
  aws_: 'Aurora MySQL names its built-in roles AWS_* (AWS_LOAD_S3_ACCESS, AWS_LAMBDA_ACCESS, AWS_BEDROCK_ACCESS…)',
};

/** Why the name is reserved, or undefined when it is free to use. */
export function reservedAccountReason(username: string): string | undefined {
  const lower = username.toLowerCase();
  const exact = RESERVED_ACCOUNTS[lower];
  if (exact !== undefined) return `is ${exact}`;
  const prefix = Object.keys(RESERVED_PREFIXES).find((candidate) => lower.startsWith(candidate));
  return prefix === undefined ? undefined : `is reserved: ${RESERVED_PREFIXES[prefix]}`;
}

/** Every reserved name and prefix, for documentation and tests. */
export const RESERVED_ACCOUNT_NAMES: readonly string[] = Object.keys(RESERVED_ACCOUNTS);
export const RESERVED_ACCOUNT_PREFIXES: readonly string[] = Object.keys(RESERVED_PREFIXES);

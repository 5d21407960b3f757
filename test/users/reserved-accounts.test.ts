import { RESERVED_ACCOUNT_NAMES, RESERVED_ACCOUNT_PREFIXES, reservedAccountReason } from '../../lib/users/reserved-accounts';

describe('reserved accounts', () => {
  it.each([
    'root', 'ROOT', 'rdsadmin', 'RdsAdmin', 'rdsrepladmin', 'rdsproxyadmin', 'rdstopmgr', 'rds_superuser_role',
    'mysql.sys', 'mysql.session', 'mysql.infoschema', 'mariadb.sys', 'public', 'PUBLIC',
    // Families AWS and the engines add to: any new one is reserved before it exists.
    'rds_future_role', 'rdsnewadmin', 'AWS_LOAD_S3_ACCESS', 'aws_bedrock_access', 'mysql.anything', 'mariadb.anything',
  ])('%s is reserved, with the reason', (username) => {
    expect(reservedAccountReason(username)).toMatch(/^is /);
  });

  it.each(['app_rw', 'reporting_ro', 'migrator', 'admin', 'root_cause', 'awsome', 'mysqluser', 'ords'])('%s is free', (username) => {
    // `admin` is not reserved as such: it is the usual master user name, refused per database when it is the master.
    expect(reservedAccountReason(username)).toBeUndefined();
  });

  it('keeps every name in lower case, so the case-insensitive comparison cannot miss one', () => {
    for (const name of [...RESERVED_ACCOUNT_NAMES, ...RESERVED_ACCOUNT_PREFIXES]) expect(name).toBe(name.toLowerCase());
  });
});

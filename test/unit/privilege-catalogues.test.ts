import { dynamicPrivileges, isDynamicPrivilege, rdsMasterDynamicPrivileges, serverLine, type ServerLine } from '../../lib/users/privilege-catalogues';

describe('serverLine', () => {
  it.each([
    ['mysql', '8.0.46', 'mysql-8.0'],
    ['mysql', '8.0.mysql_aurora.3.10.3', 'mysql-8.0'],
    ['mysql', '8.4.8', 'mysql-8.4'],
    ['mysql', '9.7.4', 'mysql-9.7'],
    ['mariadb', '10.11.19-MariaDB-0+deb12u1', 'mariadb-10.11'],
    ['mariadb', '11.4.8-MariaDB', 'mariadb-11'],
  ] as const)('%s %s is %s', (engine, version, line) => {
    expect(serverLine(engine, version)).toBe(line);
  });
});

describe('the dynamic privilege catalogues', () => {
  const lines: ServerLine[] = ['mysql-8.0', 'mysql-8.4', 'mysql-9.7', 'mariadb-10.11', 'mariadb-11'];

  it.each(lines)('%s: the RDS master holds only privileges the line has, and none of those RDS withholds', (line) => {
    for (const privilege of rdsMasterDynamicPrivileges(line)) expect(isDynamicPrivilege(line, privilege)).toBe(true);
    for (const withheld of ['BACKUP_ADMIN', 'BINLOG_ADMIN', 'CONNECTION_ADMIN', 'SYSTEM_VARIABLES_ADMIN', 'SYSTEM_USER']) {
      expect(rdsMasterDynamicPrivileges(line)).not.toContain(withheld);
    }
  });

  it('follows the 8.4 renames: SET_USER_ID only on 8.0, SET_ANY_DEFINER and FLUSH_PRIVILEGES from 8.4', () => {
    expect(isDynamicPrivilege('mysql-8.0', 'SET_USER_ID')).toBe(true);
    expect(isDynamicPrivilege('mysql-8.4', 'SET_USER_ID')).toBe(false);
    expect(isDynamicPrivilege('mysql-8.4', 'SET_ANY_DEFINER')).toBe(true);
    expect(rdsMasterDynamicPrivileges('mysql-8.0')).not.toContain('FLUSH_PRIVILEGES');
    expect(rdsMasterDynamicPrivileges('mysql-8.4')).toContain('FLUSH_PRIVILEGES');
  });

  it('gives MariaDB none', () => {
    expect(dynamicPrivileges('mariadb-10.11')).toEqual([]);
    expect(dynamicPrivileges('mariadb-11')).toEqual([]);
  });
});

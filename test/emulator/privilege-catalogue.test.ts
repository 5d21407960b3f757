import type { Connection, RowDataPacket } from 'mysql2/promise';
import { dynamicPrivileges, rdsMasterDynamicPrivileges, serverLine } from '../../lib/users/privilege-catalogues';
import { connectAsAdmin, createIamUser, describeEachEngine, useEmulator } from '../support/emulator';

describeEachEngine('the dynamic privilege catalogue against the real server', (engine) => {
  const emulator = useEmulator({ engine });
  let admin: Connection;

  beforeAll(async () => {
    admin = await connectAsAdmin(emulator());
    await createIamUser(admin, 'catalogued');
  });

  afterAll(async () => {
    await admin?.end();
  });

  it("names exactly the dynamic privileges the server lists (SHOW PRIVILEGES), for the server's line", async () => {
    const [rows] = await admin.query<RowDataPacket[]>('SHOW PRIVILEGES');
    // Static privileges are listed in title case ("Create view"); dynamic ones in upper case with underscores.
    const listed = rows.map((row) => String(row.Privilege)).filter((name) => /^[A-Z]+(_[A-Z0-9]+)+$/.test(name)).sort();

    expect(dynamicPrivileges(serverLine(engine, emulator().serverVersion))).toEqual(listed);
  });

  it('lets the master grant, and the planner read back from USER_PRIVILEGES, every dynamic privilege RDS gives its master', async () => {
    const privileges = rdsMasterDynamicPrivileges(serverLine(engine, emulator().serverVersion));
    if (engine === 'mariadb') {
      // MariaDB has no dynamic privileges: the very syntax is refused.
      await expect(admin.query("GRANT XA_RECOVER_ADMIN ON *.* TO 'catalogued'@'%'")).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
      expect(privileges).toEqual([]);
      return;
    }
    await admin.query(`GRANT ${privileges.join(', ')} ON *.* TO 'catalogued'@'%'`);
    const [rows] = await admin.query<RowDataPacket[]>(
      "SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ? AND PRIVILEGE_TYPE <> 'USAGE'",
      ["'catalogued'@'%'"],
    );

    expect(rows.map((row) => String(row.privilege)).sort()).toEqual(privileges);
  });
});

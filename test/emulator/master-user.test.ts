import type { Connection, RowDataPacket } from 'mysql2/promise';
import { masterPrivileges } from '../../lib/emulator/master-account';
import { connectAsAdmin, connectAsIamUser, describeEachEngine, useEmulator } from '../support/emulator';

describeEachEngine("the emulator's master user", (engine) => {
  const emulator = useEmulator({ engine });
  let admin: Connection;

  beforeAll(async () => {
    admin = await connectAsAdmin(emulator());
  });

  afterAll(async () => {
    await admin?.end();
  });

  it('holds what the RDS master user holds, WITH GRANT OPTION, and neither SUPER nor FILE', async () => {
    const [rows] = await admin.query<RowDataPacket[]>('SHOW GRANTS FOR CURRENT_USER()');
    const grants = rows.map((row) => String(Object.values(row)[0]));
    const onEverything = grants.filter((grant) => /^GRANT .* ON \*\.\* TO `admin`@`%`.* WITH GRANT OPTION$/.test(grant)).join('\n');

    for (const privilege of masterPrivileges(engine)) expect(onEverything).toMatch(new RegExp(`[ ,]${privilege}[ ,]`));
    // Nor the dynamic privileges RDS for MySQL withholds from its master.
    expect(grants.join('\n')).not.toMatch(/\bSUPER\b|\bFILE\b|ALL PRIVILEGES|BACKUP_ADMIN|BINLOG_ADMIN|CONNECTION_ADMIN|SYSTEM_VARIABLES_ADMIN/);
  });

  it('creates an IAM user with AWSAuthenticationPlugin and grants it what it holds; the user then logs in with a token', async () => {
    // Prepare
    await admin.query('CREATE DATABASE inventory');
    await admin.query('CREATE TABLE inventory.items (sku VARCHAR(20) PRIMARY KEY)');

    // Act
    await admin.query("CREATE USER 'app_writer'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
    await admin.query("GRANT SELECT, INSERT ON inventory.* TO 'app_writer'@'%'");
    const writer = await connectAsIamUser(emulator(), 'app_writer');
    await writer.query("INSERT INTO inventory.items VALUES ('TEAPOT-1')");
    const [items] = await writer.query('SELECT sku FROM inventory.items');
    await writer.end();
    const [[account]] = await admin.query<RowDataPacket[]>(
      "SELECT plugin AS plugin, authentication_string AS authentication_string, ssl_type AS ssl_type FROM mysql.user WHERE user = 'app_writer'",
    );

    // Assess
    expect(items).toEqual([{ sku: 'TEAPOT-1' }]);
    expect(account).toEqual({ plugin: 'AWSAuthenticationPlugin', authentication_string: 'RDS', ssl_type: 'ANY' });
  });

  const refusals: ReadonlyArray<readonly [string, string]> = [
    ["GRANT SUPER ON *.* TO 'app_writer'@'%'", 'ER_ACCESS_DENIED_ERROR'],
    ["GRANT FILE ON *.* TO 'app_writer'@'%'", 'ER_ACCESS_DENIED_ERROR'],
    ['SET GLOBAL max_connections = 10', 'ER_SPECIFIC_ACCESS_DENIED_ERROR'],
    ["SELECT 1 INTO OUTFILE 'emulator-outfile.txt'", 'ER_SPECIFIC_ACCESS_DENIED_ERROR'],
    ...(engine === 'mysql' ? ([['SET GLOBAL read_only = ON', 'ER_SPECIFIC_ACCESS_DENIED_ERROR']] as const) : []),
  ];

  it.each(refusals)('is refused, as on RDS: %s', async (statement, code) => {
    await admin.query("CREATE USER IF NOT EXISTS 'app_writer'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'");

    await expect(admin.query(statement)).rejects.toMatchObject({ code });
  });
});

import type { Connection, RowDataPacket } from 'mysql2/promise';
import { RDS_MASTER_GRANTABLE_PRIVILEGES } from '../../lib/users/privileges';
import { connectAsAdmin, connectAsIamUser, useEmulator } from '../support/emulator';

const emulator = useEmulator();
let admin: Connection;

beforeAll(async () => {
  admin = await connectAsAdmin(emulator());
});

afterAll(async () => {
  await admin?.end();
});

describe("the emulator's master user", () => {
  it('holds what the RDS master user holds, WITH GRANT OPTION, and neither SUPER nor FILE', async () => {
    const [rows] = await admin.query<RowDataPacket[]>('SHOW GRANTS FOR CURRENT_USER()');
    const grant = String(Object.values(rows[0])[0]);

    // MariaDB reports REPLICATION CLIENT under its 10.5+ name, BINLOG MONITOR.
    for (const privilege of [...RDS_MASTER_GRANTABLE_PRIVILEGES].filter((name) => name !== 'REPLICATION CLIENT')) {
      expect(grant).toContain(privilege);
    }
    expect(grant).toMatch(/ON \*\.\* TO `admin`@`%`.* WITH GRANT OPTION$/);
    expect(grant).not.toMatch(/\bSUPER\b|\bFILE\b|ALL PRIVILEGES/);
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
      "SELECT plugin, authentication_string, ssl_type FROM mysql.user WHERE user = 'app_writer'",
    );

    // Assess
    expect(items).toEqual([{ sku: 'TEAPOT-1' }]);
    expect(account).toEqual({ plugin: 'AWSAuthenticationPlugin', authentication_string: 'RDS', ssl_type: 'ANY' });
  });

  it.each([
    ["GRANT SUPER ON *.* TO 'app_writer'@'%'", 'ER_ACCESS_DENIED_ERROR'],
    ["GRANT FILE ON *.* TO 'app_writer'@'%'", 'ER_ACCESS_DENIED_ERROR'],
    ['SET GLOBAL max_connections = 10', 'ER_SPECIFIC_ACCESS_DENIED_ERROR'],
    ["SELECT 1 INTO OUTFILE 'emulator-outfile.txt'", 'ER_SPECIFIC_ACCESS_DENIED_ERROR'],
  ])('is refused, as on RDS: %s', async (statement, code) => {
    await admin.query("CREATE USER IF NOT EXISTS 'app_writer'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'");

    await expect(admin.query(statement)).rejects.toMatchObject({ code });
  });
});

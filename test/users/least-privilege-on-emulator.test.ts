import type { RowDataPacket } from 'mysql2/promise';
import { connectAsMaster } from '../../lib/provisioning/master-connection';
import { convergeUsers } from '../../lib/provisioning/converge-users';
import { encodeUserSpecs } from '../../lib/provisioning/provisioner-properties';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { describeEachEngine } from '../support/emulator';
import { DeliveredResponse, grantSnapshot, logEntries, ProvisionerFixture, startProvisionerFixture, user } from '../provisioner/provisioner-fixture';
import { connectAsAdmin } from '../support/emulator';

/**
 * The least-privilege rules end to end: declarations go through the real provisioner handler to the emulator's
 * MariaDB, and the users log in with real IAM tokens over TLS. What the rules still allow, at its widest, must not
 * reach the master account; what they refuse never reaches SQL; an opt-in travels with the user set.
 */

describeEachEngine('least privilege', (engine) => {
  let fixture: ProvisionerFixture;

  /** What each user tries against the master account and the account tables. */
  const PATHS_TO_THE_MASTER = (master: string): ReadonlyArray<readonly [string, string]> => [
    ['read the password hashes', 'SELECT authentication_string FROM mysql.user'],
    ['read the account table of MariaDB', 'SELECT * FROM mysql.global_priv'],
    ['change the hashes', `UPDATE mysql.global_priv SET priv = '{}' WHERE User = '${master}'`],
    ['alter the master account', `ALTER USER '${master}'@'%' IDENTIFIED BY 'Taken-Over-1'`],
    // Each engine's own syntax, so the refusal is the server's decision, not a parse error.
    ["set the master's password", engine === 'mysql' ? `SET PASSWORD FOR '${master}'@'%' = 'Taken-Over-1'` : `SET PASSWORD FOR '${master}'@'%' = PASSWORD('Taken-Over-1')`],
    ['create an account', "CREATE USER 'intruder'@'%' IDENTIFIED BY 'Intruder-1'"],
    ['drop the master account', `DROP USER '${master}'@'%'`],
    ['pass its privileges on', "GRANT SELECT ON least_db.* TO 'lp_table'@'%'"],
    ['define a routine as the master', `CREATE DEFINER='${master}'@'%' PROCEDURE least_db.as_master() SELECT 1`],
    ['read performance_schema', 'SELECT * FROM performance_schema.threads'],
  ];

  /** Users granted what the rules still allow, near their limits. */
  const WIDEST_ALLOWED: readonly DatabaseUserSpec[] = [
    user('lp_owner', { grants: [{ on: 'least_db.*', privileges: ['ALL'] }] }),
    user('lp_table', { grants: [{ on: 'least_db.orders', privileges: ['ALL'] }] }),
    user('lp_monitor', { grants: [{ on: '*.*', privileges: ['PROCESS', 'RELOAD', 'SHOW DATABASES'] }] }),
  ];

  /** The handler's answer to CloudFormation must be SUCCESS; anything else fails the test with its reason. */
  function expectSuccess(response: DeliveredResponse): void {
    expect({ status: response.Status, reason: response.Reason }).toEqual({ status: 'SUCCESS', reason: undefined });
  }

  beforeAll(async () => {
    fixture = await startProvisionerFixture(engine);
    for (const sql of ['CREATE DATABASE least_db', 'CREATE TABLE least_db.orders (id INT)']) await fixture.admin.query(sql);
    expectSuccess(await fixture.send('Create', WIDEST_ALLOWED));
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  describe('users granted the widest the rules allow', () => {
    it('use what they were granted', async () => {
      expect(await fixture.attempt('lp_owner', 'CREATE TABLE least_db.made_by_owner (id INT)')).toBe('allowed');
      expect(await fixture.attempt('lp_table', 'INSERT INTO least_db.orders VALUES (1)')).toBe('allowed');
      expect(await fixture.attempt('lp_monitor', 'SHOW PROCESSLIST')).toBe('allowed');
    });

    it.each(WIDEST_ALLOWED.flatMap((granted) => PATHS_TO_THE_MASTER('admin').map(([what, sql]) => [granted.username, what, sql] as const)))(
      '%s cannot %s',
      async (username, _what, sql) => {
        const attempt = await fixture.attempt(username, sql.replaceAll("'admin'", `'${fixture.emulator.adminUser}'`));
        // Denied outright, or (for a table its grants do not even let it see) reported as not there.
        expect(['denied', 'ER_NO_SUCH_TABLE']).toContain(attempt);
      },
    );

    it('leave the master logging in with its own password, and no account added', async () => {
      const master = await connectAsAdmin(fixture.emulator);
      try {
        const [rows] = await master.query<RowDataPacket[]>("SELECT CURRENT_USER() AS me, (SELECT COUNT(*) FROM mysql.user WHERE User = 'intruder') AS intruders");
        expect(rows[0]).toEqual({ me: `${fixture.emulator.adminUser}@%`, intruders: 0 });
      } finally {
        await master.end();
      }
    });
  });

  describe('declarations the rules refuse', () => {
    it.each<[string, DatabaseUserSpec]>([
      ['UPDATE on mysql.*', user('lp_bad', { grants: [{ on: 'mysql.*', privileges: ['UPDATE'] }] })],
      ['SELECT on mysql.user, upper case', user('lp_bad', { grants: [{ on: 'MYSQL.USER', privileges: ['SELECT'] }] })],
      ['SELECT on information_schema.*', user('lp_bad', { grants: [{ on: 'information_schema.*', privileges: ['SELECT'] }] })],
      ['ALL on sys.*', user('lp_bad', { grants: [{ on: 'sys.*', privileges: ['ALL'] }] })],
      ['CREATE USER', user('lp_bad', { grants: [{ on: '*.*', privileges: ['CREATE USER'] }] })],
      ['UPDATE on *.*', user('lp_bad', { grants: [{ on: '*.*', privileges: ['UPDATE'] }] })],
      ['the RDS superuser role, adopted', user('rds_superuser_role', { adoptExistingUser: true })],
    ])('%s: refused by the handler before the secret is read or any SQL runs', async (_label, declared) => {
      // Prepare
      fixture.secretsManager.resetHistory();
      const mark = fixture.logLines.length;

      // Act: straight to the handler, as if synth had been bypassed.
      const response = await fixture.sendRaw({ RequestType: 'Create', ResourceProperties: { ...fixture.properties([]), Users: encodeUserSpecs([declared]) } });

      // Assess: CloudFormation is told why, naming the field, in a bounded answer.
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toMatch(/users\[0\]\.(grants\[0\]|username)/);
      expect(response.Reason).toContain('RDS_IAM_INVALID_USER_SPEC');
      expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(4096);
      expect(fixture.secretsManager.calls()).toHaveLength(0);
      expect(logEntries(fixture.logLines.slice(mark)).filter((entry) => entry.event === 'statement')).toEqual([]);
      expect(await grantSnapshot(fixture.admin, [declared.username])).toEqual([]);
    });
  });

  describe('an opt-in', () => {
    it('travels with the user set to the handler, which grants exactly what it names (and shows why it is refused without)', async () => {
      // Prepare
      const grants = [{ on: 'mysql.user', privileges: ['SELECT'] }];
      const auditor = user('lp_auditor', { grants, allowPrivileged: { reason: 'Quarterly account audit reads mysql.user (SEC-7)', grants } });

      // Act
      expectSuccess(await fixture.send('Update', [...WIDEST_ALLOWED, auditor], WIDEST_ALLOWED));

      // Assess: the opt-in is honoured, and it is exactly the exposure the rule exists for.
      expect(await fixture.attempt('lp_auditor', 'SELECT authentication_string FROM mysql.user')).toBe('allowed');
      expect(await fixture.attempt('lp_auditor', 'SELECT * FROM mysql.db')).toBe('denied');
      expectSuccess(await fixture.send('Update', WIDEST_ALLOWED, [...WIDEST_ALLOWED, auditor]));
    });
  });

  describe('a set deployed before the rules', () => {
    it('does not stop the deploy that removes its now-refused grants', async () => {
      // Prepare: a user granted what the rules refuse today, made by an earlier version (here by hand).
      await fixture.admin.query("CREATE USER 'lp_old'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
      await fixture.admin.query("GRANT SELECT, UPDATE ON *.* TO 'lp_old'@'%'");
      const previous = [user('lp_old', { grants: [{ on: '*.*', privileges: ['SELECT', 'UPDATE'] }] })];
      const desired = [user('lp_old', { grants: [{ on: 'least_db.*', privileges: ['SELECT', 'UPDATE'] }] })];
      const connection = await connectAsMaster({
        host: fixture.emulator.host, servername: fixture.emulator.endpointHost, port: fixture.emulator.port,
        user: fixture.emulator.adminUser, password: fixture.emulator.adminPassword, ca: fixture.emulator.caPem,
      });

      // Act
      try {
        await convergeUsers(connection, { desired, previous, operation: 'converge', masterUsername: fixture.emulator.adminUser });
      } finally {
        await connection.end();
      }

      // Assess
      expect(await fixture.attempt('lp_old', 'SELECT authentication_string FROM mysql.user')).toBe('denied');
      expect(await fixture.attempt('lp_old', 'SELECT * FROM least_db.orders')).toBe('allowed');
    });
  });
});

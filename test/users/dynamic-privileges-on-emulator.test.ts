import type { RowDataPacket } from 'mysql2/promise';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import { convergeUsers } from '../../lib/provisioning/converge-users';
import { connectAsMaster } from '../../lib/provisioning/master-connection';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { databaseFixture } from '../support/database-fixtures';
import { declarationError } from '../support/declaration-error';
import { describeEachEngine } from '../support/emulator';
import { grantSnapshot, logEntries, ProvisionerFixture, startProvisionerFixture, user } from '../provisioner/provisioner-fixture';

/**
 * MySQL's dynamic privileges end to end: a declaration that uses the ones the RDS master can grant converges on
 * MySQL (the user logs in with an IAM token and holds them, and a re-run finds nothing to do), and is refused for
 * MariaDB, which has none, at synth and by the handler before any SQL.
 */

/** What a reporting user of an application might need beyond its database: routine definitions and XA recovery. */
const GRANTS: DatabaseUserSpec['grants'] = [
  { on: 'dyn_db.*', privileges: ['SELECT'] },
  { on: '*.*', privileges: ['SHOW_ROUTINE', 'xa_recover_admin'] },
];

describeEachEngine('MySQL dynamic privileges', (engine) => {
  let fixture: ProvisionerFixture;

  beforeAll(async () => {
    fixture = await startProvisionerFixture(engine);
    await fixture.admin.query('CREATE DATABASE dyn_db');
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  /** A master connection of the provisioner's own kind (TLS, the emulator's CA), for convergeUsers. */
  const masterConnection = () =>
    connectAsMaster({
      host: fixture.emulator.host, servername: fixture.emulator.endpointHost, port: fixture.emulator.port,
      user: fixture.emulator.adminUser, password: fixture.emulator.adminPassword, ca: fixture.emulator.caPem,
    });

  it(`are ${engine === 'mysql' ? 'accepted' : 'refused'} at synth for a ${engine} database${engine === 'mysql' ? '' : ', naming the engine and the field'}`, () => {
    // Prepare
    const { stack, provisioner } = databaseFixture({ kind: engine === 'mysql' ? 'mysql-instance' : 'mariadb-instance' });
    const declare = () => new IamDatabaseUser(stack, 'Reporting', { provisioner, username: 'dyn_reader', grants: GRANTS });

    // Act + Assess
    if (engine === 'mysql') {
      declare();
      expect(provisioner.userSpecs.map((spec) => spec.grants)).toEqual([[{ on: '*.*', privileges: ['SHOW_ROUTINE', 'XA_RECOVER_ADMIN'] }, { on: 'dyn_db.*', privileges: ['SELECT'] }]]);
    } else {
      const error = declarationError(declare);
      expect(error.message).toContain('grants[1].privileges[0] = "SHOW_ROUTINE": is a MySQL dynamic privilege, and this database\'s engine is MariaDB');
      expect(error.message).toContain('grants[1].privileges[1] = "xa_recover_admin"');
      expect(provisioner.userSpecs).toEqual([]);
    }
  });

  if (engine === 'mysql') {
    it('converge: the user logs in with an IAM token and holds them, and a re-run changes nothing', async () => {
      // Act
      const created = await fixture.send('Create', [user('dyn_reader', { grants: GRANTS })]);
      const connection = await masterConnection();
      let rerun;
      try {
        rerun = await convergeUsers(connection, { desired: [user('dyn_reader', { grants: GRANTS })], previous: [user('dyn_reader', { grants: GRANTS })], operation: 'converge', masterUsername: fixture.emulator.adminUser, dryRun: true });
      } finally {
        await connection.end();
      }

      // Assess: the server keeps them where MySQL keeps dynamic privileges, the user has them, the plan is empty.
      expect({ status: created.Status, reason: created.Reason }).toEqual({ status: 'SUCCESS', reason: undefined });
      expect(await grantSnapshot(fixture.admin, ['dyn_reader'])).toEqual([
        "'dyn_reader'@'%' *.* SHOW_ROUTINE",
        "'dyn_reader'@'%' *.* USAGE",
        "'dyn_reader'@'%' *.* XA_RECOVER_ADMIN",
        // The database-level grant is on the exact pattern (`_` escaped), as the planner writes it.
        "'dyn_reader'@'%' dyn\\_db.* SELECT",
        'dyn_reader plugin=AWSAuthenticationPlugin ssl=ANY',
      ]);
      const [globalGrants] = await fixture.admin.query<RowDataPacket[]>("SELECT PRIV AS privilege FROM mysql.global_grants WHERE USER = 'dyn_reader' ORDER BY PRIV");
      expect(globalGrants.map((row) => row.privilege)).toEqual(['SHOW_ROUTINE', 'XA_RECOVER_ADMIN']);
      expect(await fixture.attempt('dyn_reader', 'XA RECOVER')).toBe('allowed');
      const login = await fixture.loginAs('dyn_reader');
      try {
        const [grants] = await login.query<RowDataPacket[]>('SHOW GRANTS');
        expect(grants.map((row) => Object.values(row)[0])).toContain("GRANT SHOW_ROUTINE,XA_RECOVER_ADMIN ON *.* TO `dyn_reader`@`%`");
      } finally {
        await login.end();
      }
      expect(rerun.plan.statements).toEqual([]);
    });

    it('takes back a grant option given by hand on a declared dynamic privilege, and a hand-made one', async () => {
      // Prepare: drift made by hand.
      await fixture.admin.query("GRANT SHOW_ROUTINE ON *.* TO 'dyn_reader'@'%' WITH GRANT OPTION");
      await fixture.admin.query("GRANT FLUSH_STATUS ON *.* TO 'dyn_reader'@'%'");
      const options = { desired: [user('dyn_reader', { grants: GRANTS })], previous: [user('dyn_reader', { grants: GRANTS })], operation: 'converge' as const, masterUsername: fixture.emulator.adminUser };
      const connection = await masterConnection();

      // Act
      let drift;
      let after;
      try {
        drift = await convergeUsers(connection, { ...options, dryRun: true });
        await convergeUsers(connection, options);
        after = await convergeUsers(connection, { ...options, dryRun: true });
      } finally {
        await connection.end();
      }

      // Assess
      // MySQL keeps a dynamic privilege's grant option with it, and REVOKE GRANT OPTION ON *.* leaves it: only
      // revoking the privilege sheds it, so the declared one is granted again right after.
      expect(drift.plan.statements.map((statement) => statement.sql)).toEqual([
        "REVOKE FLUSH_STATUS, SHOW_ROUTINE ON *.* FROM 'dyn_reader'@'%'",
        "GRANT SHOW_ROUTINE ON *.* TO 'dyn_reader'@'%'",
      ]);
      expect(after.plan.statements).toEqual([]);
      const [globalGrants] = await fixture.admin.query<RowDataPacket[]>("SELECT PRIV AS privilege, WITH_GRANT_OPTION AS grantOption FROM mysql.global_grants WHERE USER = 'dyn_reader' ORDER BY PRIV");
      expect(globalGrants).toEqual([{ privilege: 'SHOW_ROUTINE', grantOption: 'N' }, { privilege: 'XA_RECOVER_ADMIN', grantOption: 'N' }]);
    });

    it('are checked again against the live version: one this MySQL no longer has is refused before any SQL', async () => {
      // Prepare: SET_USER_ID exists on MySQL 8.0 only, so a synth that did not know the version let it through.
      const grants = [{ on: '*.*', privileges: ['SET_USER_ID'] }];
      const declared = user('dyn_definer', { grants, allowPrivileged: { reason: 'Migrates views defined by the old app user', grants } });
      const mark = fixture.logLines.length;

      // Act
      const response = await fixture.send('Create', [declared]);

      // Assess
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain('users[0].grants[0].privileges[0] = "SET_USER_ID": is not a privilege of MySQL 9.7, this database\'s version; it exists on MySQL 8.0');
      expect(logEntries(fixture.logLines.slice(mark)).filter((entry) => entry.event === 'statement')).toEqual([]);
      expect(await grantSnapshot(fixture.admin, ['dyn_definer'])).toEqual([]);
    });
  } else {
    it('are refused by the handler before the secret is read or any SQL runs, naming the engine and the field', async () => {
      // Prepare
      fixture.secretsManager.resetHistory();
      const mark = fixture.logLines.length;

      // Act: straight to the handler, as if synth had been bypassed.
      const response = await fixture.send('Create', [user('dyn_reader', { grants: GRANTS })]);

      // Assess
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain('users[0].grants[1].privileges[0] = "SHOW_ROUTINE": is a MySQL dynamic privilege, and this database\'s engine is MariaDB');
      expect(fixture.secretsManager.calls()).toHaveLength(0);
      expect(logEntries(fixture.logLines.slice(mark)).filter((entry) => entry.event === 'statement')).toEqual([]);
      expect(await grantSnapshot(fixture.admin, ['dyn_reader'])).toEqual([]);
    });
  }
});

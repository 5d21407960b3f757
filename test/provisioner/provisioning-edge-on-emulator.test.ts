import { inspect } from 'node:util';
import type { RunningEmulator } from '../../lib/emulator';
import { connectAsMaster, MasterConnectionError } from '../../lib/provisioning/master-connection';
import { convergeUsers, runStatements } from '../../lib/provisioning/converge-users';
import { detectServer, readLiveUserState } from '../../lib/provisioning/read-live-user-state';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { serverLinesOf } from '../../lib/users/privilege-catalogues';
import { privilegedGrantFinding } from '../../lib/users/privileged-grants';
import { expandAllPrivileges } from '../../lib/users/privileges';
import { describeEachEngine, useEmulator } from '../support/emulator';

describeEachEngine('provisioning edges', (engine) => {
  const runningEmulator = useEmulator({ engine });
  let emulator: RunningEmulator;

  beforeAll(() => {
    emulator = runningEmulator();
  });

  function connectAsEmulatorMaster() {
    return connectAsMaster({
      host: emulator.host, servername: emulator.endpointHost, port: emulator.port,
      user: emulator.adminUser, password: emulator.adminPassword, ca: emulator.caPem,
    });
  }

  async function connectionFailure(options: Partial<Parameters<typeof connectAsMaster>[0]>): Promise<MasterConnectionError> {
    try {
      const connection = await connectAsMaster({
        host: emulator.host, servername: emulator.endpointHost, port: emulator.port,
        user: emulator.adminUser, password: emulator.adminPassword, ca: emulator.caPem, retryForMs: 0,
        ...options,
      });
      await connection.end();
    } catch (error) {
      expect(error).toBeInstanceOf(MasterConnectionError);
      return error as MasterConnectionError;
    }
    throw new Error('expected the connection to fail');
  }

  describe('connectAsMaster on the emulator', () => {
    it('connects over TLS verified against the given CA and host name, and reads the server traits', async () => {
      const connection = await connectAsMaster({
        host: emulator.host, servername: emulator.endpointHost, port: emulator.port,
        user: emulator.adminUser, password: emulator.adminPassword, ca: emulator.caPem,
      });
      try {
        expect(await detectServer(connection)).toEqual({ engine, version: expect.stringMatching(engine === 'mariadb' ? /MariaDB/ : /^\d+\.\d+\.\d+/), identifierCase: 'exact' });
        const [rows] = await connection.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
        expect(JSON.stringify(rows)).toMatch(/TLSv1\.[23]/);
      } finally {
        await connection.end();
      }
    });

    it('refuses a server whose certificate does not chain to the trusted CAs (the RDS bundle by default), without retrying', async () => {
      const error = await connectionFailure({ ca: undefined, retryForMs: 60_000 });

      expect(error.failure).toBe('tls');
      expect(error.message).toMatch(new RegExp(`${emulator.host}:${emulator.port}.*did not verify`));
      expect(error.message).not.toMatch(/attempts/);
    });

    it('refuses a certificate that does not name the host', async () => {
      const error = await connectionFailure({ servername: 'some-other-host.example' });

      expect(error.failure).toBe('tls');
    });

    it('names host, port and the likely cause when nothing listens, after retrying for the bounded time', async () => {
      const error = await connectionFailure({ port: 1, retryForMs: 1_000 });

      expect(error.failure).toBe('refused');
      expect(error.message).toContain(`${emulator.host}:1`);
      expect(error.message).toMatch(/after [2-9] attempts over 1s: .*wrong port/);
    });

    it('fails at once on refused credentials, without the password in the message, stack or cause', async () => {
      const wrongPassword = 'Wrong-Master-Password-42';

      const error = await connectionFailure({ password: wrongPassword, retryForMs: 60_000 });

      expect(error.failure).toBe('access-denied');
      expect(error.message).toMatch(/secret may be out of date/);
      expect(error.message).not.toMatch(/attempts/);
      expect(inspect(error, { depth: 10 })).not.toContain(wrongPassword);
    });
  });

  describe('readLiveUserState on the emulator', () => {
    it('reports absent users, and existing ones with plugin, TLS requirement and privileges from information_schema', async () => {
      const connection = await connectAsMaster({
        host: emulator.host, servername: emulator.endpointHost, port: emulator.port,
        user: emulator.adminUser, password: emulator.adminPassword, ca: emulator.caPem,
      });
      try {
        await connection.query("CREATE USER 'reader'@'%' IDENTIFIED BY 'reader-Password-1' REQUIRE SSL");
        await connection.query("GRANT SELECT ON `my\\_db`.* TO 'reader'@'%'");
        await connection.query("GRANT REPLICATION CLIENT ON *.* TO 'reader'@'%'");

        const live = await readLiveUserState(connection, ['reader', 'nobody', 'READER']);

        expect(live.get('nobody')).toEqual({ username: 'nobody', exists: false, privileges: [] });
        expect(live.get('READER')).toEqual({ username: 'READER', exists: false, privileges: [] });
        expect(live.get('reader')).toEqual({
          username: 'reader',
          exists: true,
          plugin: engine === 'mariadb' ? 'mysql_native_password' : 'caching_sha2_password',
          sslType: 'ANY',
          privileges: expect.arrayContaining([
            { target: { level: 'global' }, privilege: engine === 'mariadb' ? 'BINLOG MONITOR' : 'REPLICATION CLIENT', grantable: false },
            { target: { level: 'database', databasePattern: 'my\\_db' }, privilege: 'SELECT', grantable: false },
          ]),
        });
      } finally {
        await connection.end();
      }
    });
  });

  describe('convergeUsers on the emulator', () => {
    it('grants every privilege the master user can grant, at each level, and reads each back as declared (no drift)', async () => {
      const connection = await connectAsEmulatorMaster();
      try {
        await connection.query('CREATE DATABASE edge_db');
        await connection.query('CREATE TABLE edge_db.t (id INT)');
        // On MySQL these include the dynamic privileges the RDS master holds on the emulator's version.
        const globalPrivileges = expandAllPrivileges(engine, 'global', serverLinesOf(engine, emulator.serverVersion));
        const refusedWithoutOptIn = globalPrivileges.filter((privilege) => privilegedGrantFinding(engine, privilege, { level: 'global' }) !== undefined);
        const spec = (username: string, grants: DatabaseUserSpec['grants']): DatabaseUserSpec => ({
          username, grants, requireSsl: true, removalPolicy: 'drop', adoptExistingUser: false,
        });
        const desired = [
          // REPLICATION CLIENT is MariaDB's old name for BINLOG MONITOR: declared either way, it must not show as drift.
          // On *.* most of these reach the mysql schema or the binary log: only an explicit opt-in lets them through.
          {
            ...spec('every_global', [{ on: '*.*', privileges: [...globalPrivileges, 'REPLICATION CLIENT'] }]),
            allowPrivileged: {
              reason: 'round trip of every global privilege the master can grant',
              // What the rules allow on *.* needs no opt-in: PROCESS, RELOAD, SHOW DATABASES, on MySQL REPLICATION CLIENT
              // and the reviewed dynamic privileges (SHOW_ROUTINE, XA_RECOVER_ADMIN, the FLUSH_ ones…).
              grants: [{ on: '*.*', privileges: refusedWithoutOptIn }],
            },
          },
          spec('every_database', [{ on: 'edge_db.*', privileges: ['ALL'] }]),
          spec('every_table', [{ on: 'edge_db.t', privileges: ['ALL'] }]),
        ];
        const options = { desired, previous: [], operation: 'converge' as const, masterUsername: emulator.adminUser };

        const first = await convergeUsers(connection, options);
        const second = await convergeUsers(connection, { ...options, dryRun: true });

        expect(globalPrivileges).toEqual(expect.arrayContaining(engine === 'mysql' ? ['ROLE_ADMIN', 'SHOW_ROUTINE', 'XA_RECOVER_ADMIN'] : ['BINLOG MONITOR']));
        expect(first.counts).toMatchObject({ created: 3, granted: 3 });
        expect(second.plan.statements).toEqual([]);
      } finally {
        await connection.end();
      }
    });

    it('plans without running anything on a dry run, and logs one JSON-ready entry per statement it runs', async () => {
      const connection = await connectAsEmulatorMaster();
      const entries: Record<string, unknown>[] = [];
      try {
        const desired: DatabaseUserSpec[] = [{ username: 'dry', grants: [{ on: '*.*', privileges: ['PROCESS'] }], requireSsl: true, removalPolicy: 'drop', adoptExistingUser: false }];
        const options = { desired, previous: [], operation: 'converge' as const, masterUsername: emulator.adminUser, log: (entry: Record<string, unknown>) => entries.push(entry) };

        const planned = await convergeUsers(connection, { ...options, dryRun: true });
        expect(planned.executed).toBe(0);
        expect((await readLiveUserState(connection, ['dry'])).get('dry')?.exists).toBe(false);

        const applied = await convergeUsers(connection, options);
        expect(applied.executed).toBe(2);
        expect(entries.filter((entry) => entry.event === 'statement').map((entry) => entry.sql)).toEqual(planned.plan.statements.map((s) => s.sql));
        expect(entries.at(-1)).toMatchObject({ event: 'converged', executed: 2, counts: { created: 1, granted: 1 } });
      } finally {
        await connection.end();
      }
    });
    it("reads the server's notes by code: a user created or dropped by someone else since the plan was made is expected, not a warning", async () => {
      // Prepare: plan a create and a drop, then someone else does both first.
      const connection = await connectAsEmulatorMaster();
      const entries: Record<string, unknown>[] = [];
      try {
        const spec = (username: string): DatabaseUserSpec => ({ username, grants: [], requireSsl: true, removalPolicy: 'drop', adoptExistingUser: false });
        await connection.query("CREATE USER 'leaving'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'");
        const planned = await convergeUsers(connection, {
          desired: [spec('racing')], previous: [spec('racing'), spec('leaving')], operation: 'converge', masterUsername: emulator.adminUser, dryRun: true,
        });
        await connection.query("CREATE USER 'racing'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
        await connection.query("DROP USER 'leaving'@'%'");

        // Act
        await runStatements(connection, planned.plan.statements, (entry) => entries.push(entry), engine);

        // Assess
        const codes = engine === 'mysql' ? { existed: 3163, gone: 3162 } : { existed: 1973, gone: 1974 };
        const notesOf = (username: string) => entries.find((entry) => entry.event === 'statement' && entry.username === username)?.notes;
        expect(notesOf('racing')).toEqual([{ level: 'Note', code: codes.existed, meaning: 'user-already-existed', message: expect.stringContaining('racing') }]);
        expect(notesOf('leaving')).toEqual([{ level: 'Note', code: codes.gone, meaning: 'user-was-already-gone', message: expect.stringContaining('leaving') }]);
        expect(entries.filter((entry) => entry.event === 'warning')).toEqual([]);
      } finally {
        await connection.end();
      }
    });

    it('revokes a hand-made server-wide privilege the declaration does not list (on MySQL a dynamic one, kept in mysql.global_grants)', async () => {
      const connection = await connectAsEmulatorMaster();
      try {
        const handMade = engine === 'mysql' ? 'XA_RECOVER_ADMIN' : 'BINLOG MONITOR';
        const desired: DatabaseUserSpec[] = [{ username: 'tidy', grants: [{ on: '*.*', privileges: ['PROCESS'] }], requireSsl: true, removalPolicy: 'drop', adoptExistingUser: false }];
        const options = { desired, previous: desired, operation: 'converge' as const, masterUsername: emulator.adminUser };
        await convergeUsers(connection, options);
        await connection.query(`GRANT ${handMade} ON *.* TO 'tidy'@'%'`);

        const drift = await convergeUsers(connection, { ...options, dryRun: true });
        await convergeUsers(connection, options);
        const after = await convergeUsers(connection, { ...options, dryRun: true });

        expect(drift.plan.statements.map((statement) => statement.sql)).toEqual([`REVOKE ${handMade} ON *.* FROM 'tidy'@'%'`]);
        expect(after.plan.statements).toEqual([]);
        if (engine === 'mysql') {
          const [rows] = await connection.query("SELECT PRIV FROM mysql.global_grants WHERE USER = 'tidy'");
          expect(rows).toEqual([]);
        }
      } finally {
        await connection.end();
      }
    });
  });
});

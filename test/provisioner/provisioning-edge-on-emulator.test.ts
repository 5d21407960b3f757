import { inspect } from 'node:util';
import type { RunningEmulator } from '../../lib/emulator';
import { connectAsMaster, MasterConnectionError } from '../../lib/provisioning/master-connection';
import { convergeUsers } from '../../lib/provisioning/converge-users';
import { detectServer, readLiveUserState } from '../../lib/provisioning/read-live-user-state';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { knownPrivileges, privilegeLevels, RDS_MASTER_GRANTABLE_PRIVILEGES } from '../../lib/users/privileges';
import { useEmulator } from '../support/emulator';

const runningEmulator = useEmulator();
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
      expect(await detectServer(connection)).toEqual({ engine: 'mariadb', version: expect.stringMatching(/MariaDB/), identifierCase: 'exact' });
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
        plugin: 'mysql_native_password',
        sslType: 'ANY',
        privileges: expect.arrayContaining([
          { target: { level: 'global' }, privilege: 'BINLOG MONITOR', grantable: false },
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
      const globalPrivileges = knownPrivileges('mariadb').filter(
        (privilege) => RDS_MASTER_GRANTABLE_PRIVILEGES.has(privilege) && privilegeLevels('mariadb', privilege)?.includes('global'),
      );
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
            grants: [{ on: '*.*', privileges: globalPrivileges.filter((privilege) => !['PROCESS', 'RELOAD', 'SHOW DATABASES'].includes(privilege)) }],
          },
        },
        spec('every_database', [{ on: 'edge_db.*', privileges: ['ALL'] }]),
        spec('every_table', [{ on: 'edge_db.t', privileges: ['ALL'] }]),
      ];
      const options = { desired, previous: [], operation: 'converge' as const, masterUsername: emulator.adminUser };

      const first = await convergeUsers(connection, options);
      const second = await convergeUsers(connection, { ...options, dryRun: true });

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
});

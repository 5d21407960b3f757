import { inspect } from 'node:util';
import type { RunningEmulator } from '../../lib/emulator';
import { connectAsMaster, MasterConnectionError } from '../../lib/provisioning/master-connection';
import { detectServer, readLiveUserState } from '../../lib/provisioning/read-live-user-state';
import { useEmulator } from '../support/emulator';

const runningEmulator = useEmulator();
let emulator: RunningEmulator;

beforeAll(() => {
  emulator = runningEmulator();
});

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

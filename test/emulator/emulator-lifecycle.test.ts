import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { startEmulator, type RunningEmulator } from '../../lib/emulator';
import { connectAsAdmin, connectAsIamUser, createIamUser, describeEachEngine } from '../support/emulator';
import { isProcessAlive } from '../../lib/emulator/process-liveness';

describeEachEngine('startEmulator', (engine) => {
  let started: RunningEmulator[] = [];

  afterEach(async () => {
    await Promise.all(started.map((running) => running.stop()));
    started = [];
  });

  it('starts independent servers side by side, each with its own port, master password and CA', async () => {
    started = await Promise.all([startEmulator({ engine }), startEmulator({ engine })]);
    const [first, second] = started;

    expect(first.port).not.toBe(second.port);
    expect(first.adminPassword).not.toBe(second.adminPassword);
    expect(first.caPem).not.toBe(second.caPem);
    await expect(connectAsAdmin({ ...second, adminPassword: first.adminPassword })).rejects.toMatchObject({
      code: 'ER_ACCESS_DENIED_ERROR',
    });
  });

  it('stop() kills the server by its pid, removes its directory and can be called again', async () => {
    const running = await startEmulator({ engine });
    expect(isProcessAlive(running.pid)).toBe(true);

    await running.stop();
    await running.stop();

    expect(isProcessAlive(running.pid)).toBe(false);
    expect(existsSync(dirname(running.errorLogFile))).toBe(false);
    await expect(running.exited).resolves.toBeUndefined();
  });

  it('verifies tokens for a chosen endpoint host, region and key pair', async () => {
    // Prepare
    const running = await startEmulator({
      engine,
      endpointHost: 'mydb.cluster-abc123.eu-central-1.rds.amazonaws.com.localhost',
      region: 'eu-central-1',
      accessKeyId: 'AKIACUSTOMTESTKEY001',
      secretAccessKey: 'custom/test/secret',
    });
    started = [running];
    const admin = await connectAsAdmin(running);
    await createIamUser(admin, 'app_custom');
    await admin.end();

    // Act
    const connection = await connectAsIamUser(running, 'app_custom');
    const [rows] = await connection.query('SELECT CURRENT_USER() AS user');
    await connection.end();

    // Assess
    expect(running.endpoint).toBe(`mydb.cluster-abc123.eu-central-1.rds.amazonaws.com.localhost:${running.port}`);
    expect(rows).toEqual([{ user: 'app_custom@%' }]);
  });

  it('fails with EMULATOR_SERVER_FAILED naming the port when a chosen port is taken', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const address = squatter.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    try {
      await expect(startEmulator({ engine, port })).rejects.toMatchObject({
        name: 'EmulatorError',
        code: 'EMULATOR_SERVER_FAILED',
        message: expect.stringContaining(`port ${port} on 127.0.0.1 is in use`),
      });
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('reports which server it runs', async () => {
    const running = await startEmulator({ engine });
    started = [running];
    const admin = await connectAsAdmin(running);
    const [[{ version }]] = await admin.query<RowDataPacket[]>('SELECT VERSION() AS version');
    await admin.end();

    expect(running.engine).toBe(engine);
    expect(String(version).startsWith(running.serverVersion.replace(/-.*$/, ''))).toBe(true);
    expect(/MariaDB/.test(String(version))).toBe(engine === 'mariadb');
  });
});

describe('startEmulator options', () => {
  it('refuses bad options before starting anything', async () => {
    await expect(startEmulator({ region: 'Frankfurt' })).rejects.toMatchObject({
      code: 'EMULATOR_INVALID_OPTIONS',
      message: "EmulatorOptions.region 'Frankfurt' is not an AWS region name like 'us-east-1'.",
    });
  });

  it('refuses an unknown engine', async () => {
    await expect(startEmulator({ engine: 'postgres' as never })).rejects.toMatchObject({
      code: 'EMULATOR_INVALID_OPTIONS',
      message: "EmulatorOptions.engine 'postgres' is not one of mariadb, mysql.",
    });
  });
});

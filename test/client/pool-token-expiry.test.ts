import { readFile } from 'node:fs/promises';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { createPool, IamTokenProvider } from '../../lib/client';
import type { RunningEmulator } from '../../lib/emulator';
import { connectAsAdmin, connectWithToken, createIamUser, describeEachEngine } from '../support/emulator';
import { startEmulatorWithMovableClock, type EmulatorWithClock } from './support/movable-server-clock';

const USER = 'app_pool';
const MINUTE_MS = 60_000;
/** Every timer API Jest can fake except Date: sockets and timeouts keep real time while the client's clock jumps. */
const EVERYTHING_BUT_DATE = [
  'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
  'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval',
  'setTimeout', 'clearTimeout',
] as const;

describeEachEngine('client pool across token expiry', (engine) => {
  let clocked: EmulatorWithClock;
  let admin: Connection;

  beforeAll(async () => {
    clocked = await startEmulatorWithMovableClock(engine);
    admin = await connectAsAdmin(clocked.emulator);
    await createIamUser(admin, USER);
    await admin.query("GRANT SELECT ON mysql.* TO ?@'%'", [USER]);
  });

  afterAll(async () => {
    jest.useRealTimers();
    await admin?.end();
    await clocked?.stop();
  });

  /** Moves server and client clocks together, as time passing on both machines would. */
  function advanceBothClocks(startMs: number, minutes: number): void {
    clocked.setServerClockOffsetMinutes(minutes);
    jest.useFakeTimers({ now: startMs + minutes * MINUTE_MS, doNotFake: [...EVERYTHING_BUT_DATE] });
  }

  async function currentUserOf(connection: { query: Connection['query'] }): Promise<string> {
    const [[row]] = await connection.query<RowDataPacket[]>('SELECT CURRENT_USER() AS user');
    return row.user as string;
  }

  /** A provider of the test user's tokens, shared with the pool so the test can count what it signs. */
  function tokenProviderFor(emulator: RunningEmulator): IamTokenProvider {
    return new IamTokenProvider({
      hostname: emulator.endpointHost,
      port: emulator.port,
      username: USER,
      region: emulator.region,
      credentials: { accessKeyId: emulator.accessKeyId, secretAccessKey: emulator.secretAccessKey },
    });
  }

  describe('a pool created with createPool', () => {
    it('opens new connections after its first token has expired, for days', async () => {
      // Prepare: one provider, so the test can see what it signs; new physical connections are forced by destroy().
      const emulator = clocked.emulator;
      const startMs = Date.now();
      const provider = tokenProviderFor(emulator);
      const pool = createPool({
        host: emulator.host,
        port: emulator.port,
        endpoint: emulator.endpoint,
        user: USER,
        ca: emulator.caPem,
        tokenProvider: provider,
        pool: { connectionLimit: 2 },
      });
      try {
        const first = await pool.getConnection();
        expect(await currentUserOf(first)).toBe(`${USER}@%`);
        first.destroy();
        const firstToken = await provider.getToken();

        // Act: 16 minutes later on both machines.
        advanceBothClocks(startMs, 16);
        const logBefore = (await readFile(emulator.errorLogFile)).length;
        const reuseOfFirstToken = connectWithToken(emulator, USER, firstToken);
        await expect(reuseOfFirstToken).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
        const refusal = (await readFile(emulator.errorLogFile)).subarray(logBefore).toString('utf8');
        const afterExpiry = await pool.getConnection();
        const userAfterExpiry = await currentUserOf(afterExpiry);
        afterExpiry.destroy();
        advanceBothClocks(startMs, 3 * 24 * 60);
        const threeDaysLater = await pool.getConnection();
        const userThreeDaysLater = await currentUserOf(threeDaysLater);
        threeDaysLater.release();

        // Assess
        expect(refusal).toContain('expired');
        expect(userAfterExpiry).toBe(`${USER}@%`);
        expect(userThreeDaysLater).toBe(`${USER}@%`);
        expect(provider.tokensSigned).toBe(3);
      } finally {
        jest.useRealTimers();
        clocked.setServerClockOffsetMinutes(0);
        await pool.end();
      }
    });

    it('reuses a token for connections opened inside the reuse window', async () => {
      const emulator = clocked.emulator;
      const startMs = Date.now();
      const provider = tokenProviderFor(emulator);
      const pool = createPool({ host: emulator.host, port: emulator.port, endpoint: emulator.endpoint, user: USER, ca: emulator.caPem, tokenProvider: provider });
      try {
        const connections = await Promise.all([pool.getConnection(), pool.getConnection(), pool.getConnection()]);
        connections.forEach((connection) => connection.destroy());
        advanceBothClocks(startMs, 9);
        const nineMinutesLater = await pool.getConnection();
        const user = await currentUserOf(nineMinutesLater);
        nineMinutesLater.release();

        expect(user).toBe(`${USER}@%`);
        expect(provider.tokensSigned).toBe(1);
      } finally {
        jest.useRealTimers();
        clocked.setServerClockOffsetMinutes(0);
        await pool.end();
      }
    });
  });
});

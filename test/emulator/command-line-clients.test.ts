import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RunningEmulator } from '../../lib/emulator';
import { connectWithToken, describeEachEngine, mintToken, useEmulator, useIamUser } from '../support/emulator';
import { libfaketimePath } from '../support/server-clock';

const run = promisify(execFile);
/** AWS CLI v2 (`aws` on PATH may be a v1 shim); it signs offline, no network involved. */
const AWS_CLI = '/usr/bin/aws';
const USER = 'cli_reader';

describeEachEngine('command-line clients', (engine) => {
  const emulator = useEmulator({ engine });
  useIamUser(emulator, USER);

  /** Runs the mariadb client over TCP to the endpoint name with the server certificate verified. */
  function mariadbClient(running: RunningEmulator, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    return run(
      'mariadb',
      ['--no-defaults', '--protocol=TCP', '-h', running.endpointHost, '-P', String(running.port), '-u', USER, '--batch', '--skip-column-names', ...args],
      { env: { PATH: process.env.PATH, ...env } },
    );
  }

  /** `aws rds generate-db-auth-token` for the emulator, optionally under libfaketime's clock offset (e.g. '-20m'). */
  async function awsCliToken(running: RunningEmulator, clockOffset?: string): Promise<string> {
    const args = ['rds', 'generate-db-auth-token', '--hostname', running.endpointHost, '--port', String(running.port), '--username', USER];
    const env = {
      PATH: process.env.PATH,
      HOME: '/nonexistent', // no ~/.aws: only the test credentials below may sign
      AWS_ACCESS_KEY_ID: running.accessKeyId,
      AWS_SECRET_ACCESS_KEY: running.secretAccessKey,
      AWS_DEFAULT_REGION: running.region,
    };
    const { stdout } = clockOffset === undefined
      ? await run(AWS_CLI, args, { env })
      : // libfaketime preloaded directly (the faketime wrapper's per-pid semaphores can collide with stale ones).
        await run(AWS_CLI, args, { env: { ...env, LD_PRELOAD: libfaketimePath(), FAKETIME: clockOffset } });
    return stdout.trim();
  }

  describe('the mariadb command-line client', () => {
    it('logs in with --ssl-verify-server-cert --ssl-ca and the token in --password', async () => {
      const token = await mintToken(emulator(), USER);

      const { stdout } = await mariadbClient(emulator(), ['--ssl-verify-server-cert', `--ssl-ca=${emulator().caFile}`, `--password=${token}`, '-e', 'SELECT CURRENT_USER()']);

      expect(stdout.trim()).toBe(`${USER}@%`);
    });

    it('logs in with the token in MYSQL_PWD', async () => {
      const token = await mintToken(emulator(), USER);

      const { stdout } = await mariadbClient(emulator(), ['--ssl-verify-server-cert', `--ssl-ca=${emulator().caFile}`, '-e', 'SELECT 42'], { MYSQL_PWD: token });

      expect(stdout.trim()).toBe('42');
    });

    it('is refused without TLS for a user with REQUIRE SSL', async () => {
      const token = await mintToken(emulator(), USER);

      await expect(mariadbClient(emulator(), ['--skip-ssl', `--password=${token}`, '-e', 'SELECT 1'])).rejects.toMatchObject({
        stderr: expect.stringContaining('Access denied'),
      });
    });

    it('is refused with an empty password, and the log says no token was sent', async () => {
      const before = (await readFile(emulator().errorLogFile)).length;

      await expect(mariadbClient(emulator(), ['--ssl-verify-server-cert', `--ssl-ca=${emulator().caFile}`, '--password=', '-e', 'SELECT 1'])).rejects.toMatchObject({
        stderr: expect.stringContaining('Access denied'),
      });

      const logged = (await readFile(emulator().errorLogFile)).subarray(before).toString('utf8');
      expect(logged).toContain(`access denied for '${USER}'`);
      expect(logged).toContain('no token was sent');
    });
  });

  describe('a token from the AWS CLI (aws rds generate-db-auth-token)', () => {
    it('puts X-Amz-Signature last and logs in with mysql2 and with the mariadb client', async () => {
      // Prepare
      const token = await awsCliToken(emulator());

      // Act
      const connection = await connectWithToken(emulator(), USER, token);
      const [rows] = await connection.query('SELECT CURRENT_USER() AS user');
      await connection.end();
      const { stdout } = await mariadbClient(emulator(), ['--ssl-verify-server-cert', `--ssl-ca=${emulator().caFile}`, `--password=${token}`, '-e', 'SELECT 1']);

      // Assess
      expect(token.split('&').at(-1)).toMatch(/^X-Amz-Signature=[0-9a-f]{64}$/);
      expect(rows).toEqual([{ user: `${USER}@%` }]);
      expect(stdout.trim()).toBe('1');
    });

    it('is refused once expired (signed with the clock 20 minutes back)', async () => {
      const token = await awsCliToken(emulator(), '-20m');
      const before = (await readFile(emulator().errorLogFile)).length;

      await expect(connectWithToken(emulator(), USER, token)).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });

      const logged = (await readFile(emulator().errorLogFile)).subarray(before).toString('utf8');
      expect(logged).toContain('the token expired at');
    });
  });
});

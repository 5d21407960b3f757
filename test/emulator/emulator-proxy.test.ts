import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect as connectTcp } from 'node:net';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { startEmulatorProxy } from '../../lib/emulator/proxy';
import { cleanAwsEnvironment, runBuiltCli } from '../cli/run-built-cli';
import { describeEachEngine, mintToken, useEmulator, useIamUser } from '../support/emulator';
import { PROXY_ENDPOINT_HOST, useEmulatorProxy } from '../support/emulator-proxy';

const run = promisify(execFile);
describeEachEngine('the emulator proxy', (engine) => {
  const emulator = useEmulator({ engine, region: 'eu-west-1' });
  const proxy = useEmulatorProxy(emulator);
  const USER = 'app_rw';

  useIamUser(emulator, USER);

  /** A token for the proxy endpoint (port 3306, as RDS Proxy listens), signed with the emulator's test credentials. */
  function proxyToken(username = USER, options: Parameters<typeof mintToken>[2] = {}): Promise<string> {
    return mintToken(emulator(), username, { hostname: PROXY_ENDPOINT_HOST, port: 3306, ...options });
  }

  /**
   * A bare mysql2 connection (the password as given) through the proxy's address, TLS verified against its CA and
   * its endpoint name: mysql2 takes the TLS name from `host`, so the socket to the address comes from `stream`.
   */
  function connectToProxy(password: string, options: { readonly user?: string; readonly tls?: boolean } = {}): Promise<Connection> {
    return createConnection({
      host: PROXY_ENDPOINT_HOST,
      stream: () => connectTcp({ host: proxy().host, port: proxy().port }),
      user: options.user ?? USER,
      password,
      ssl: options.tls === false ? undefined : { ca: proxy().caPem, rejectUnauthorized: true, verifyIdentity: true },
      enableCleartextPlugin: true,
    });
  }

  /** The last event the proxy recorded. */
  function lastEvent() {
    return proxy().events().at(-1);
  }

  describe('in front of the emulator', () => {
    it('logs a client in with a token signed for the proxy endpoint, and the database sees the same user', async () => {
      const connection = await connectToProxy(await proxyToken());
      try {
        const [[row]] = await connection.query<(RowDataPacket & { who: string })[]>('SELECT CURRENT_USER() AS who');
        expect(row.who).toBe(`${USER}@%`);
        expect(lastEvent()).toMatchObject({ kind: 'accepted', username: USER });
      } finally {
        await connection.end();
      }
    });

    it.each<[string, () => Promise<string>, RegExp]>([
      ['a token signed for the database endpoint instead', () => mintToken(emulator(), USER), /the token was signed for 'localhost:\d+' but this proxy's endpoint is 'orders-dev-proxy\.proxy-c9akciq32xyz\.eu-west-1\.rds\.amazonaws\.com:3306'/],
      ['a token for another user', () => proxyToken('reporting_ro'), /the token is for DBUser 'reporting_ro' but the login user is 'app_rw'/],
      ['a token signed with another secret key', () => proxyToken(USER, { credentials: { accessKeyId: emulator().accessKeyId, secretAccessKey: 'another-secret-key-entirely' } }), /the signature does not match/],
      ['a token signed with an unknown key', () => proxyToken(USER, { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'x' } }), /access key id 'AKIAUNKNOWNKEY000001' is not one this proxy trusts/],
      ['a token for another region', () => proxyToken(USER, { region: 'us-east-1' }), /signed for region 'us-east-1' but this proxy is in 'eu-west-1'/],
      ['an expired token', () => proxyToken(USER, { signedAt: new Date(Date.now() - 16 * 60_000) }), /the token expired at .* mint a new token/],
      ['a token dated ahead of the clock', () => proxyToken(USER, { signedAt: new Date(Date.now() + 10 * 60_000) }), /more than 300 s ahead of this proxy's clock/],
      ['an altered token', async () => (await proxyToken()).replace('DBUser=app_rw', 'DBUser=app_rw&DBUser=app_rw'), /parameter 'DBUser' appears more than once/],
      ['a password that is no token', async () => 'hunter2', /not an RDS IAM token/],
    ])('refuses %s with Access denied, and records why', async (_label, token, reason) => {
      const refusedBefore = proxy().counts().refused;

      await expect(connectToProxy(await token())).rejects.toMatchObject({ errno: 1045, sqlState: '28000', message: `Access denied for user '${USER}' (using password: YES)` });

      expect(proxy().counts().refused).toBe(refusedBefore + 1);
      const event = lastEvent();
      expect(event).toMatchObject({ kind: 'refused', username: USER, reason: expect.stringMatching(reason) });
      expect(JSON.stringify(proxy().events())).not.toMatch(/X-Amz-Signature=/);
    });

    it('requires TLS, as RDS Proxy with RequireTLS does, and never reads a token over plain TCP', async () => {
      const failedBefore = proxy().counts().failed;

      await expect(connectToProxy(await proxyToken(), { tls: false })).rejects.toMatchObject({ errno: 3159, message: expect.stringContaining('insecure transport are prohibited') });

      expect(proxy().counts().failed).toBe(failedBefore + 1);
      expect(lastEvent()).toMatchObject({ kind: 'failed', reason: expect.stringContaining('did not switch to TLS') });
    });

    it("passes on the database's refusal of a user it does not have, or refuses when the database asks for a password instead", async () => {
      const refusal = connectToProxy(await proxyToken('ghost'), { user: 'ghost' });

      // The database's own error when it says so (MariaDB: 1698); MySQL plays a password exchange for a user it does not
      // have, which the proxy cannot answer: then the proxy refuses, naming what the database asked for.
      await expect(refusal).rejects.toMatchObject({ message: expect.stringContaining("Access denied for user 'ghost'") });
      const { errno } = (await refusal.catch((error: { errno: number }) => error)) as { errno: number };
      expect(errno === 1698 || errno === 1045).toBe(true);
      expect(lastEvent()).toMatchObject({ kind: 'refused', username: 'ghost', reason: expect.stringContaining(`the database refused the proxy's login: ${errno}`) });
    });

    it('serves the mariadb client, with a token printed by the built `rds-iam token` for the proxy endpoint', async () => {
      const tokenRun = await runBuiltCli(['token', '--hostname', PROXY_ENDPOINT_HOST, '--port', '3306', '--username', USER], {
        env: cleanAwsEnvironment({ AWS_ACCESS_KEY_ID: emulator().accessKeyId, AWS_SECRET_ACCESS_KEY: emulator().secretAccessKey }),
      });
      expect(tokenRun.exitCode).toBe(0);
      expect(tokenRun.stdout).toMatch(new RegExp(`^${PROXY_ENDPOINT_HOST.replace(/\./g, '\\.')}:3306/\\?Action=connect&DBUser=app_rw&.*X-Amz-Credential=[^&]*%2Feu-west-1%2Frds-db%2F`));

      // The mariadb client connects to the proxy's address; its certificate names the proxy endpoint, so the chain is verified.
      const { stdout } = await run(
        'mariadb',
        ['--no-defaults', '--protocol=TCP', '-h', proxy().host, '-P', String(proxy().port), '-u', USER, `--ssl-ca=${proxy().caFile}`, '--batch', '--skip-column-names', '-e', 'SELECT CURRENT_USER(), 6 * 7'],
        { env: { PATH: process.env.PATH, MYSQL_PWD: tokenRun.stdout.trim() } },
      );

      expect(stdout.trim()).toBe(`${USER}@%\t42`);
    });

    it("accepts the AWS CLI's token for the proxy endpoint (botocore's signer, not the one the proxy verifies with)", async () => {
      const { stdout } = await run('/usr/bin/aws', ['rds', 'generate-db-auth-token', '--hostname', PROXY_ENDPOINT_HOST, '--port', '3306', '--username', USER], {
        env: { PATH: process.env.PATH, HOME: '/nonexistent', AWS_ACCESS_KEY_ID: emulator().accessKeyId, AWS_SECRET_ACCESS_KEY: emulator().secretAccessKey, AWS_DEFAULT_REGION: 'eu-west-1' },
      });

      const connection = await connectToProxy(stdout.trim());
      await connection.end();

      expect(lastEvent()).toMatchObject({ kind: 'accepted', username: USER });
    });

    it('closes a connection that stalls in the handshake, and records it once', async () => {
      const impatient = await startEmulatorProxy({ backend: emulator(), endpointHost: PROXY_ENDPOINT_HOST, handshakeTimeoutMs: 300 });
      try {
        // A client that reads the greeting and then says nothing.
        const socket = connectTcp({ host: impatient.host, port: impatient.port });
        const closed = new Promise<number>((resolve) => {
          const startedAt = Date.now();
          socket.once('close', () => resolve(Date.now() - startedAt));
        });
        socket.on('error', () => undefined);
        socket.resume(); // read (and drop) the greeting, so the close is seen

        const lifetime = await closed;

        expect(lifetime).toBeGreaterThanOrEqual(250);
        expect(impatient.events()).toEqual([{ kind: 'failed', connectionId: 1, reason: 'the handshake took longer than 300 ms' }]);
        expect(impatient.counts()).toMatchObject({ failed: 1, accepted: 0, refused: 0, databaseTokensSigned: 0 });
      } finally {
        await impatient.stop();
      }
    });

    it("refuses a user its role may not connect as on the database, as RDS refuses the proxy's own login, signing no database token", async () => {
      const carrying = await startEmulatorProxy({ backend: emulator(), endpointHost: PROXY_ENDPOINT_HOST, roleMayConnectAs: (username) => username === 'reporting_ro' });
      try {
        const refusal = createConnection({
          host: PROXY_ENDPOINT_HOST,
          stream: () => connectTcp({ host: carrying.host, port: carrying.port }),
          user: USER,
          password: await proxyToken(),
          ssl: { ca: carrying.caPem, rejectUnauthorized: true, verifyIdentity: true },
          enableCleartextPlugin: true,
        });

        await expect(refusal).rejects.toMatchObject({ errno: 1045, message: expect.stringContaining(`Access denied for user '${USER}'`) });
        expect(carrying.events()).toEqual([
          { kind: 'refused', connectionId: 1, username: USER, reason: `the proxy's role may not rds-db:connect as '${USER}' on the database, so the database refused the proxy's login` },
        ]);
        expect(carrying.counts()).toMatchObject({ accepted: 0, refused: 1, databaseTokensSigned: 0 });
      } finally {
        await carrying.stop();
      }
    });

    it('refuses options it cannot work with, naming the option and the fix', async () => {
      await expect(startEmulatorProxy({ backend: emulator(), endpointHost: 'orders.proxy-abc.us-west-2.rds.amazonaws.com' })).rejects.toMatchObject({
        code: 'EMULATOR_INVALID_OPTIONS',
        message: expect.stringContaining("endpointHost names region 'us-west-2' but the emulator runs in 'eu-west-1'"),
      });
      await expect(startEmulatorProxy({ backend: emulator(), endpointHost: 'bad host' })).rejects.toMatchObject({ message: expect.stringContaining("endpointHost 'bad host' is not a host name") });
      await expect(startEmulatorProxy({ backend: emulator(), port: 70000 })).rejects.toMatchObject({ message: expect.stringContaining('port 70000 must be a TCP port') });
    });
  });
});

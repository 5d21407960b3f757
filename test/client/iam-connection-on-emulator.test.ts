import { connect as connectTcp } from 'node:net';
import { createConnection as createMysqlConnection, type RowDataPacket } from 'mysql2/promise';
import {
  createConnection,
  createPool,
  HostnameMismatchError,
  iamClearPasswordPlugin,
  IamLoginRefusedError,
  IamTokenProvider,
  TlsRequiredError,
} from '../../lib/client';
import type { RunningEmulator } from '../../lib/emulator';
import { describeEachEngine, useEmulator, useIamUser } from '../support/emulator';

const USER = 'app_client';
const SIGNATURE = /X-Amz-Signature=([0-9a-f]{64})/;

describeEachEngine('the IAM client', (engine) => {
  const emulator = useEmulator({ engine });
  useIamUser(emulator, USER);

  function providerFor(running: RunningEmulator, username = USER): IamTokenProvider {
    return new IamTokenProvider({
      hostname: running.endpointHost,
      port: running.port,
      username,
      region: running.region,
      credentials: { accessKeyId: running.accessKeyId, secretAccessKey: running.secretAccessKey },
    });
  }

  /** Options every connection to the emulator shares: connect to 127.0.0.1, sign for and verify `localhost`. */
  function emulatorOptions(running: RunningEmulator, tokenProvider: IamTokenProvider) {
    return { host: running.host, port: running.port, endpoint: running.endpoint, user: USER, ca: running.caPem, tokenProvider };
  }

  describe('createConnection', () => {
    it('logs in over verified TLS, connecting to an address and signing for the named endpoint', async () => {
      // Prepare
      const provider = providerFor(emulator());

      // Act
      const connection = await createConnection(emulatorOptions(emulator(), provider));
      const [[session]] = await connection.query<RowDataPacket[]>('SELECT CURRENT_USER() AS user');
      const [[cipher]] = await connection.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      await connection.end();

      // Assess
      expect(session.user).toBe(`${USER}@%`);
      expect(cipher.Value).not.toBe('');
      expect(provider.tokensSigned).toBe(1);
    });

    it('verifies the server against the Amazon RDS CA bundle by default, so a foreign certificate is refused before any token', async () => {
      const provider = providerFor(emulator());
      const { ca: _emulatorCa, ...withDefaultCa } = emulatorOptions(emulator(), provider);

      await expect(createConnection(withDefaultCa)).rejects.toMatchObject({
        code: 'HANDSHAKE_SSL_ERROR',
        message: expect.stringContaining('self-signed certificate in certificate chain'),
      });
      expect(provider.tokensSigned).toBe(0);
    });

    it('refuses a server whose certificate does not name the endpoint, before any token', async () => {
      const provider = providerFor(emulator());

      const attempt = createConnection({ ...emulatorOptions(emulator(), provider), endpoint: `db.example.test:${emulator().port}` });

      await expect(attempt).rejects.toMatchObject({
        code: 'HANDSHAKE_SSL_ERROR',
        message: expect.stringContaining("Host: db.example.test. is not in the cert's altnames"),
      });
      expect(provider.tokensSigned).toBe(0);
    });

    it('refuses an IP address as host without a named endpoint, before opening a socket', async () => {
      const provider = providerFor(emulator());
      const { endpoint: _endpoint, ...withoutEndpoint } = emulatorOptions(emulator(), provider);

      await expect(createConnection(withoutEndpoint)).rejects.toBeInstanceOf(HostnameMismatchError);
      await expect(createConnection(withoutEndpoint)).rejects.toMatchObject({
        code: 'RDS_IAM_HOSTNAME_MISMATCH',
        message: expect.stringContaining('"127.0.0.1" is an IP address'),
      });
      expect(provider.tokensSigned).toBe(0);
    });

    it('explains a refused token with what RDS checks, and keeps tokens out of errors and console output', async () => {
      // Prepare: a user the server does not know, so the handshake fails after the token was sent.
      const provider = providerFor(emulator(), 'nobody_here');
      const printed: string[] = [];
      const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
        jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' '))),
      );

      // Act
      let failure: unknown;
      try {
        await createConnection({ ...emulatorOptions(emulator(), provider), user: 'nobody_here' });
      } catch (error) {
        failure = error;
      } finally {
        spies.forEach((spy) => spy.mockRestore());
      }
      const signature = SIGNATURE.exec(await provider.getToken())?.[1];

      // Assess
      expect(failure).toBeInstanceOf(IamLoginRefusedError);
      expect(failure).toMatchObject({ code: 'RDS_IAM_LOGIN_REFUSED', cause: { code: 'ER_ACCESS_DENIED_ERROR' } });
      expect((failure as Error).message).toMatch(
        new RegExp(`^localhost:${emulator().port} refused user "nobody_here" without asking for an IAM token \\(Access denied for user 'nobody_here'@.*\\): the database has no user "nobody_here" IDENTIFIED WITH AWSAuthenticationPlugin`),
      );
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
      const cause = (failure as Error).cause as Error;
      const everything = [JSON.stringify(failure), String(failure), (failure as Error).stack, String(cause), cause.stack, ...printed].join('\n');
      expect(everything).not.toContain(signature);
      expect(everything).not.toContain('X-Amz-');
    });
  });

  describe('a refused token', () => {
    it('is explained with what RDS checks a token for, with the region and time it was signed, and no token', async () => {
      // Prepare: the user exists, but the token is signed in another region than the server's.
      const provider = new IamTokenProvider({
        hostname: emulator().endpointHost,
        port: emulator().port,
        username: USER,
        region: 'eu-west-3',
        credentials: { accessKeyId: emulator().accessKeyId, secretAccessKey: emulator().secretAccessKey },
      });

      // Act
      const failure = await createConnection(emulatorOptions(emulator(), provider)).then(
        () => undefined,
        (error: unknown) => error,
      );

      // Assess
      expect(failure).toBeInstanceOf(IamLoginRefusedError);
      const message = (failure as Error).message;
      expect(message).toMatch(new RegExp(`^localhost:${emulator().port} refused the IAM token for user "${USER}" \\(Access denied for user '${USER}'@`));
      expect(message).toContain(`(1) the identity that signed it may not rds-db:connect on arn:aws:rds-db:eu-west-3:<account>:dbuser:<cluster-… or db-… resource id>/${USER}`);
      expect(message).toContain('(3) the token names another host, port or region than the endpoint it reached');
      expect(message).toMatch(/\(4\) this machine's clock is more than 5 minutes off \(the token is dated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\)\.$/);
      expect(`${message}\n${(failure as Error).stack}`).not.toContain('X-Amz-');
    });
  });

  describe('a pool whose logins are refused', () => {
    it('rejects query, execute and getConnection with the explanation, the missing user first', async () => {
      // Prepare: a user the server does not know.
      const pool = createPool({ ...emulatorOptions(emulator(), providerFor(emulator(), 'nobody_pooled')), user: 'nobody_pooled' });

      // Act
      const failures = await Promise.all([pool.query('SELECT 1'), pool.execute('SELECT 1'), pool.getConnection()].map((call) => call.then(() => undefined, (error: unknown) => error)));
      await pool.end();

      // Assess
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(IamLoginRefusedError);
        expect((failure as Error).message).toMatch(new RegExp(`^localhost:${emulator().port} refused the login as user "nobody_pooled" \\(Access denied`));
        expect((failure as Error).message).toContain('RDS refuses it when: (1) the database has no user "nobody_pooled" IDENTIFIED WITH AWSAuthenticationPlugin');
        expect((failure as Error).message).toContain('(2) the identity that signed it may not rds-db:connect on arn:aws:rds-db:');
      }
    });
  });

  describe('iamClearPasswordPlugin', () => {
    it('refuses to send a token over a connection without TLS, and signs none', async () => {
      // Prepare: plain mysql2 with our plugin but no ssl option, the mistake the plugin exists to catch.
      const tokenSource = jest.fn(async () => 'never-sent');

      // Act
      const attempt = createMysqlConnection({
        host: emulator().host,
        port: emulator().port,
        user: USER,
        authPlugins: { mysql_clear_password: iamClearPasswordPlugin(tokenSource) },
      });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(TlsRequiredError);
      await expect(attempt).rejects.toMatchObject({ code: 'RDS_IAM_TLS_REQUIRED', message: expect.stringContaining('Nothing was sent') });
      expect(tokenSource).not.toHaveBeenCalled();
    });

    it('refuses to send a token over TLS whose certificate was not verified', async () => {
      const tokenSource = jest.fn(async () => 'never-sent');

      const attempt = createMysqlConnection({
        host: emulator().host,
        port: emulator().port,
        user: USER,
        // Deliberately unverified, to prove the plugin checks rather than trusts the configuration.
        ssl: { rejectUnauthorized: false },
        authPlugins: { mysql_clear_password: iamClearPasswordPlugin(tokenSource) },
      });

      await expect(attempt).rejects.toMatchObject({ code: 'RDS_IAM_TLS_REQUIRED', message: expect.stringContaining('not verified') });
      expect(tokenSource).not.toHaveBeenCalled();
    });
  });

  describe('connecting through a tunnel', () => {
    it('signs for the endpoint and verifies TLS against it while the bytes go through a local forward', async () => {
      // Prepare: a TCP forward on another port, standing in for `ssh -L`.
      const { createServer } = await import('node:net');
      const forward = createServer((client) => {
        const upstream = connectTcp(emulator().port, emulator().host);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      await new Promise<void>((resolve) => forward.listen(0, '127.0.0.1', resolve));
      const forwardPort = (forward.address() as { port: number }).port;
      const provider = providerFor(emulator());

      try {
        // Act
        const connection = await createConnection({
          ...emulatorOptions(emulator(), provider),
          host: '127.0.0.1',
          port: forwardPort,
          endpoint: emulator().endpoint,
        });
        const [[row]] = await connection.query<RowDataPacket[]>('SELECT CURRENT_USER() AS user');
        await connection.end();

        // Assess
        expect(row.user).toBe(`${USER}@%`);
      } finally {
        forward.close();
      }
    });
  });
});

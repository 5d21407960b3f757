import { readFile } from 'node:fs/promises';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { RunningEmulator } from '../../lib/emulator';
import { connectAsAdmin, connectAsIamUser, connectWithToken, createIamUser, describeEachEngine, mintToken, useEmulator } from '../support/emulator';

const READER = 'app_reader';
const MINUTE_MS = 60_000;

/** The error-log text written while action ran (the plugin logs before the client is answered). */
async function logWrittenDuring(running: RunningEmulator, action: () => Promise<unknown>): Promise<string> {
  const before = (await readFile(running.errorLogFile)).length;
  await action();
  return (await readFile(running.errorLogFile)).subarray(before).toString('utf8');
}

/** Rewrites a token's query, keeping its host:port prefix. */
function withQuery(token: string, rewrite: (parameters: string[]) => string[]): string {
  const [prefix, query] = token.split('/?');
  return `${prefix}/?${rewrite(query.split('&')).join('&')}`;
}

/** Changes the signature's first hex digit, whatever the parameter order. */
function tamperWithSignature(token: string): string {
  return token.replace(/X-Amz-Signature=([0-9a-f])/, (_match, digit: string) => `X-Amz-Signature=${digit === '0' ? '1' : '0'}`);
}

describeEachEngine('IAM token login', (engine) => {
  const emulator = useEmulator({ engine });

  let admin: Connection;

  beforeAll(async () => {
    admin = await connectAsAdmin(emulator());
    await admin.query('CREATE DATABASE shop');
    await admin.query('CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40))');
    await admin.query("INSERT INTO shop.orders VALUES (1, 'teapot')");
    await createIamUser(admin, READER);
    await admin.query("GRANT SELECT ON shop.* TO ?@'%'", [READER]);
  });

  afterAll(async () => {
    await admin?.end();
  });

  describe('a token from @aws-sdk/rds-signer', () => {
    it('logs in over verified TLS and reads a granted table', async () => {
      // Prepare
      const connection = await connectAsIamUser(emulator(), READER);

      // Act
      const [orders] = await connection.query('SELECT id, item FROM shop.orders');
      const [[session]] = await connection.query<RowDataPacket[]>('SELECT CURRENT_USER() AS user');
      // Asked of the server (MySQL keeps session status in performance_schema, which the emulator turns off).
      const [[cipher]] = await connection.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
      await connection.end();

      // Assess
      expect(orders).toEqual([{ id: 1, item: 'teapot' }]);
      expect(session.user).toBe(`${READER}@%`);
      expect(cipher.Value).toMatch(/^TLS_|-/);
    });

    it('is accepted whatever the order of its query parameters', async () => {
      // Prepare: the AWS CLI puts X-Amz-Signature last, rds-signer before X-Amz-SignedHeaders; any order must do.
      const token = await mintToken(emulator(), READER);
      const signatureLast = withQuery(token, (parameters) => [
        ...parameters.filter((parameter) => !parameter.startsWith('X-Amz-Signature=')),
        ...parameters.filter((parameter) => parameter.startsWith('X-Amz-Signature=')),
      ]);
      const reversed = withQuery(token, (parameters) => [...parameters].reverse());

      // Act
      const logins = await Promise.all([signatureLast, reversed].map((variant) => connectWithToken(emulator(), READER, variant)));

      // Assess
      expect(signatureLast).not.toBe(token);
      for (const connection of logins) {
        await expect(connection.query('SELECT 1 AS ok')).resolves.toEqual([[{ ok: 1 }], expect.anything()]);
        await connection.end();
      }
    });

    it('is refused without TLS for a user with REQUIRE SSL', async () => {
      const token = await mintToken(emulator(), READER);

      await expect(connectWithToken(emulator(), READER, token, { tls: false })).rejects.toMatchObject({
        code: 'ER_ACCESS_DENIED_ERROR',
      });
    });
  });

  describe('a token is refused, with the reason in the error log and the token nowhere in it, when', () => {
    const now = () => new Date();
    type ExpectedReason = string | ((running: RunningEmulator) => string);
    const refusals: ReadonlyArray<[string, (running: RunningEmulator) => Promise<string>, ExpectedReason]> = [
      ['it expired (signed 16 minutes ago)', (running) => mintToken(running, READER, { signedAt: new Date(now().getTime() - 16 * MINUTE_MS) }), 'the token expired at'],
      ['it is dated 10 minutes in the future', (running) => mintToken(running, READER, { signedAt: new Date(now().getTime() + 10 * MINUTE_MS) }), "ahead of this server's clock"],
      ['it is for another DBUser', (running) => mintToken(running, 'someone_else'), "the token is for DBUser 'someone_else' but the login user is 'app_reader'"],
      ['its DBUser differs only in case', (running) => mintToken(running, 'APP_READER'), "the token is for DBUser 'APP_READER'"],
      ['it is signed for another hostname', (running) => mintToken(running, READER, { hostname: 'db.example.com' }), 'the token was signed for \'db.example.com:'],
      ['it is signed for another port', (running) => mintToken(running, READER, { port: running.port + 1 }), (running) => `the token was signed for 'localhost:${running.port + 1}' but this server's endpoint is '${running.endpoint}'`],
      ['its signature was tampered with', async (running) => tamperWithSignature(await mintToken(running, READER)), 'the signature does not match'],
      ['a signed parameter was altered', async (running) => (await mintToken(running, READER)).replace('X-Amz-Expires=900', 'X-Amz-Expires=899'), 'the signature does not match'],
      ['it is signed with a wrong secret key', (running) => mintToken(running, READER, { credentials: { accessKeyId: running.accessKeyId, secretAccessKey: 'not-the-secret' } }), 'the signature does not match'],
      ['it is signed by an unknown access key', (running) => mintToken(running, READER, { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: running.secretAccessKey } }), "access key id 'AKIAUNKNOWNKEY000000' is not one this server trusts"],
      ['it is signed for another region', (running) => mintToken(running, READER, { region: 'eu-west-1' }), "signed for region 'eu-west-1'"],
      ['it claims to live longer than 15 minutes', async (running) => (await mintToken(running, READER)).replace('X-Amz-Expires=900', 'X-Amz-Expires=3600'), "X-Amz-Expires '3600' is not a whole number of seconds from 1 to 900"],
      ['a parameter appears twice', async (running) => `${await mintToken(running, 'someone_else')}&DBUser=${READER}`, 'parameter DBUser appears more than once'],
      ['the password is not a token at all', async () => 'correct horse battery staple', 'not an RDS IAM token'],
    ];

    it.each(refusals)('%s', async (_case, makeToken, reason) => {
      // Prepare
      const running = emulator();
      const token = await makeToken(running);

      // Act
      let refusal: unknown;
      const logged = await logWrittenDuring(running, async () => {
        refusal = await connectWithToken(running, READER, token).then(
          async (connection) => connection.end(),
          (error: unknown) => error,
        );
      });

      // Assess
      expect(refusal).toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
      expect(logged).toContain(`AWSAuthenticationPlugin: access denied for '${READER}'@'127.0.0.1'`);
      expect(logged).toContain(typeof reason === 'string' ? reason : reason(running));
      expect(logged).not.toContain(token);
      const signature = /X-Amz-Signature=([0-9a-f]+)/.exec(token)?.[1];
      if (signature !== undefined) expect(logged).not.toContain(signature);
    });
  });
});

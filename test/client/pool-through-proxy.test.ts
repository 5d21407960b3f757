import { X509Certificate } from 'node:crypto';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { createPool } from '../../lib/client/create-pool';
import { iamConnectionOptions } from '../../lib/client/iam-connection-options';
import { IamTokenProvider } from '../../lib/client/iam-token-provider';
import { rdsCaCertificates } from '../../lib/client/rds-ca-bundle';
import { connectAsAdmin, createIamUser, describeEachEngine, useEmulator } from '../support/emulator';
import { PROXY_ENDPOINT_HOST, useEmulatorProxy } from '../support/emulator-proxy';

const USER = 'app_rw';

describeEachEngine('createPool through an RDS Proxy endpoint (the emulator proxy)', (engine) => {
  /** The region is in the proxy's name: the client reads it from there, and the emulator runs in it. */
  const emulator = useEmulator({ engine, region: 'eu-west-1' });
  const proxy = useEmulatorProxy(emulator);

  let admin: Connection;

  beforeAll(async () => {
    admin = await connectAsAdmin(emulator());
    await createIamUser(admin, USER);
    await admin.query('CREATE DATABASE orders');
    await admin.query('CREATE TABLE orders.items (id INT PRIMARY KEY, name VARCHAR(40))');
    await admin.query("GRANT SELECT, INSERT ON orders.* TO ?@'%'", [USER]);
  });

  afterAll(async () => {
    await admin?.end();
  });

  /** The emulator's test credentials, as an application's role would sign with its own. */
  function credentials() {
    return { accessKeyId: emulator().accessKeyId, secretAccessKey: emulator().secretAccessKey };
  }

  /** Pool options for the proxy: the bytes go to its loopback address, tokens and TLS name its endpoint. */
  function throughProxy(tokenProvider?: IamTokenProvider) {
    return {
      host: proxy().host,
      port: proxy().port,
      endpoint: proxy().endpoint,
      user: USER,
      database: 'orders',
      ca: proxy().caPem,
      credentials: credentials(),
      tokenProvider,
    };
  }

  it('recognises the proxy endpoint name, takes the region from it and signs for the proxy, not the database', () => {
    const { target, mysqlOptions } = iamConnectionOptions(throughProxy());

    expect(target.rds).toEqual({ hostname: PROXY_ENDPOINT_HOST, region: 'eu-west-1', partition: 'aws', kind: 'proxy' });
    expect(target.endpointHost).toBe(PROXY_ENDPOINT_HOST);
    expect(target.endpointPort).toBe(3306);
    expect(target.connectPort).toBe(proxy().port);
    expect(mysqlOptions.host).toBe(PROXY_ENDPOINT_HOST); // TLS verifies the proxy's name
  });

  it('logs every new connection in with a fresh token, and the proxy logs each in to the database with a fresh token of its own', async () => {
    // Prepare
    const before = proxy().counts();
    const tokens = new IamTokenProvider({ hostname: PROXY_ENDPOINT_HOST, port: 3306, username: USER, credentials: credentials(), reuseForMs: 0 });
    const pool = createPool({ ...throughProxy(tokens), pool: { connectionLimit: 4 } });

    try {
      // Act: four connections held at once are four physical ones.
      const connections = await Promise.all([1, 2, 3, 4].map(() => pool.getConnection()));
      const rows = await Promise.all(
        connections.map(async (connection) => {
          const [[identity]] = await connection.query<(RowDataPacket & { who: string; id: number })[]>('SELECT CURRENT_USER() AS who, CONNECTION_ID() AS id');
          const [[cipher]] = await connection.query<(RowDataPacket & { Value: string })[]>("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
          connection.release();
          return { who: identity.who, id: identity.id, cipher: cipher.Value };
        }),
      );

      // Assess
      expect(rows.map((row) => row.who)).toEqual(Array(4).fill(`${USER}@%`));
      expect(new Set(rows.map((row) => row.id)).size).toBe(4); // four database sessions
      expect(rows.every((row) => row.cipher !== '')).toBe(true); // the proxy's login to the database is TLS too
      expect(tokens.tokensSigned).toBe(4);
      const after = proxy().counts();
      expect(after.accepted - before.accepted).toBe(4);
      expect(after.databaseTokensSigned - before.databaseTokensSigned).toBe(4);
    } finally {
      await pool.end();
    }
  });

  it('carries the session both ways: prepared statements, writes and a result larger than a TLS record', async () => {
    const pool = createPool({ ...throughProxy(), pool: { connectionLimit: 1 } });
    try {
      await pool.execute('INSERT INTO items VALUES (?, ?)', [1, 'teapot']);
      const [items] = await pool.execute<(RowDataPacket & { id: number; name: string })[]>('SELECT id, name FROM items WHERE id = ?', [1]);
      const [[big]] = await pool.query<(RowDataPacket & { size: number; text: string })[]>("SELECT 200000 AS size, REPEAT('x', 200000) AS text");

      expect(items.map((item) => ({ id: item.id, name: item.name }))).toEqual([{ id: 1, name: 'teapot' }]);
      expect(big.text).toHaveLength(big.size);
    } finally {
      await pool.end();
    }
  });

  it("passes the database's own refusal on: a database the user may not use", async () => {
    const pool = createPool({ ...throughProxy(), database: 'mysql', pool: { connectionLimit: 1 } });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ errno: 1044, message: expect.stringContaining(`Access denied for user '${USER}'@'%' to database 'mysql'`) });
      expect(proxy().events().at(-1)).toMatchObject({ kind: 'refused', username: USER, reason: expect.stringContaining("the database refused the proxy's login: 1044") });
    } finally {
      await pool.end();
    }
  });

  it("is refused by the proxy when verified against the database's CA: its certificate comes from another CA", async () => {
    const pool = createPool({ ...throughProxy(), ca: emulator().caPem, pool: { connectionLimit: 1 } });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: 'HANDSHAKE_SSL_ERROR' });
    } finally {
      await pool.end();
    }
  });
});

describe('the default CA bundle', () => {
  it('trusts a real RDS Proxy: it includes the Amazon Root CAs that sign proxy certificates', () => {
    const subjects = rdsCaCertificates().map((pem) => new X509Certificate(pem).subject);
    expect(subjects.some((subject) => subject.includes('CN=Amazon Root CA 1'))).toBe(true);
  });
});

/**
 * New IAM-authenticated connections per second against the emulator (real MariaDB, real TLS, the C plugin
 * verifying every token's SigV4 signature).
 *
 *   npx tsx bench/client-pool-connections.ts [connections-per-round=200] [rounds=3] [concurrency=4]
 *
 * Every connection is a new physical one (TCP + TLS handshake + auth switch + token check), opened and then
 * destroyed, `concurrency` at a time. Rows:
 *   - floor: bare mysql2 `createConnection` with one token signed beforehand (`enableCleartextPlugin`, verified TLS);
 *   - createPool, default reuse: this library's pool, `getConnection()` + `destroy()`, the cached token reused;
 *   - createPool, reuseForMs 0: the same, signing a new token for every connection.
 * Rounds alternate the order of the rows; the table shows the median round.
 */
import { performance } from 'node:perf_hooks';
import { Signer } from '@aws-sdk/rds-signer';
import { createConnection, type Connection } from 'mysql2/promise';
import { createPool, IamTokenProvider } from '../lib/client';
import { startEmulator, type RunningEmulator } from '../lib/emulator';
import { median } from './statistics';

const perRound = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const concurrency = Number(process.argv[4] ?? 4);
const USER = 'bench_pool';

interface Contender {
  readonly name: string;
  /** Opens one new physical connection and closes it. */
  readonly openOne: () => Promise<void>;
  readonly close: () => Promise<void>;
}

function credentialsOf(emulator: RunningEmulator) {
  return { accessKeyId: emulator.accessKeyId, secretAccessKey: emulator.secretAccessKey };
}

async function contenders(emulator: RunningEmulator): Promise<Contender[]> {
  const token = await new Signer({
    hostname: emulator.endpointHost, port: emulator.port, username: USER, region: emulator.region, credentials: credentialsOf(emulator),
  }).getAuthToken();
  // One options object, as mysql2 keys its TLS session cache on it: the floor gets session resumption like the pool.
  const ssl = { ca: emulator.caPem, rejectUnauthorized: true, verifyIdentity: true };
  const floor: Contender = {
    name: 'bare mysql2 createConnection, one pre-signed token (floor)',
    openOne: async () => {
      const connection = await createConnection({
        host: emulator.endpointHost, port: emulator.port, user: USER, password: token, enableCleartextPlugin: true, ssl,
      });
      connection.destroy();
    },
    close: async () => undefined,
  };
  const poolContender = (name: string, reuseForMs: number | undefined): Contender => {
    const tokenProvider = new IamTokenProvider({
      hostname: emulator.endpointHost, port: emulator.port, username: USER, region: emulator.region,
      credentials: credentialsOf(emulator), reuseForMs,
    });
    const pool = createPool({
      host: emulator.endpointHost, port: emulator.port, user: USER, endpoint: emulator.endpoint, ca: emulator.caPem, tokenProvider,
      pool: { connectionLimit: concurrency },
    });
    return {
      name,
      openOne: async () => {
        const connection = await pool.getConnection();
        connection.destroy();
      },
      close: () => pool.end(),
    };
  };
  return [floor, poolContender('createPool, default 10 min token reuse', undefined), poolContender('createPool, reuseForMs 0 (new token each)', 0)];
}

async function connectionsPerSecond(contender: Contender): Promise<number> {
  let remaining = perRound;
  const worker = async (): Promise<void> => {
    while (remaining > 0) {
      remaining -= 1;
      await contender.openOne();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return perRound / ((performance.now() - start) / 1000);
}


async function main(): Promise<void> {
  const emulator = await startEmulator();
  let admin: Connection | undefined;
  let all: Contender[] = [];
  try {
    admin = await createConnection({
      host: emulator.host, port: emulator.port, user: emulator.adminUser, password: emulator.adminPassword, ssl: { ca: emulator.caPem },
    });
    await admin.query("CREATE USER ?@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL", [USER]);
    all = await contenders(emulator);
    for (const contender of all) await contender.openOne(); // warm-up
    const results = new Map<string, number[]>(all.map((contender) => [contender.name, []]));
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? all : [...all].reverse();
      for (const contender of order) results.get(contender.name)!.push(await connectionsPerSecond(contender));
    }
    const floor = median(results.get(all[0].name)!);
    console.log(`New connections to the emulator, ${perRound} per round, ${concurrency} at a time, median of ${rounds} rounds\n`);
    console.log('| client | connections/s | vs floor |');
    console.log('| --- | ---: | ---: |');
    for (const contender of all) {
      const rate = median(results.get(contender.name)!);
      console.log(`| ${contender.name} | ${rate.toFixed(0)} | ${(rate / floor).toFixed(2)}x |`);
    }
  } finally {
    for (const contender of all) await contender.close();
    await admin?.end();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

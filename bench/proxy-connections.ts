/**
 * New IAM-authenticated connections per second through the emulator proxy, next to the same pool connecting to the
 * emulator directly: what the proxy's second TLS handshake, its token check and its own fresh token cost.
 *
 *   npx tsx bench/proxy-connections.ts [connections-per-round=100] [rounds=3] [concurrency=4]
 *
 * Both rows are this library's `createPool` signing a new token for every connection (`reuseForMs: 0`), each
 * connection opened with `getConnection()` and destroyed. Rounds alternate the order; the table shows the median.
 */
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import { createPool, IamTokenProvider } from '../lib/client';
import { startEmulator, startEmulatorProxy, type RunningEmulator, type RunningEmulatorProxy } from '../lib/emulator';
import { median } from './statistics';

const perRound = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 3);
const concurrency = Number(process.argv[4] ?? 4);
const USER = 'bench_proxy';

interface Route {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly caPem: string;
}

function poolOf(route: Route, emulator: RunningEmulator) {
  const credentials = { accessKeyId: emulator.accessKeyId, secretAccessKey: emulator.secretAccessKey };
  const tokenProvider = new IamTokenProvider({
    hostname: route.endpointHost, port: route.endpointPort, username: USER, region: emulator.region, credentials, reuseForMs: 0,
  });
  return createPool({
    host: route.host, port: route.port, endpoint: `${route.endpointHost}:${route.endpointPort}`, user: USER, ca: route.caPem, tokenProvider,
    pool: { connectionLimit: concurrency },
  });
}

async function connectionsPerSecond(pool: ReturnType<typeof createPool>): Promise<number> {
  let remaining = perRound;
  const worker = async (): Promise<void> => {
    while (remaining > 0) {
      remaining -= 1;
      (await pool.getConnection()).destroy();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return perRound / ((performance.now() - start) / 1000);
}


async function main(): Promise<void> {
  const emulator = await startEmulator({ region: 'eu-west-1' });
  let proxy: RunningEmulatorProxy | undefined;
  const pools: ReturnType<typeof createPool>[] = [];
  try {
    const admin = await createConnection({
      host: emulator.host, port: emulator.port, user: emulator.adminUser, password: emulator.adminPassword, ssl: { ca: emulator.caPem },
    });
    await admin.query("CREATE USER ?@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL", [USER]);
    await admin.end();
    proxy = await startEmulatorProxy({ backend: emulator, endpointHost: 'bench.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com' });
    const routes: Route[] = [
      { name: 'createPool to the database (emulator)', host: emulator.host, port: emulator.port, endpointHost: emulator.endpointHost, endpointPort: emulator.port, caPem: emulator.caPem },
      { name: 'createPool through the emulator proxy', host: proxy.host, port: proxy.port, endpointHost: proxy.endpointHost, endpointPort: proxy.endpointPort, caPem: proxy.caPem },
    ];
    for (const route of routes) pools.push(poolOf(route, emulator));
    for (const pool of pools) (await pool.getConnection()).destroy(); // warm-up
    const results: number[][] = routes.map(() => []);
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const index of order) results[index].push(await connectionsPerSecond(pools[index]));
    }
    const direct = median(results[0]);
    console.log(`New connections, a new token each, ${perRound} per round, ${concurrency} at a time, median of ${rounds} rounds\n`);
    console.log('| route | connections/s | vs direct |');
    console.log('| --- | ---: | ---: |');
    routes.forEach((route, index) => {
      const rate = median(results[index]);
      console.log(`| ${route.name} | ${rate.toFixed(0)} | ${(rate / direct).toFixed(2)}x |`);
    });
    console.log(`\nproxy: ${JSON.stringify(proxy.counts())}`);
  } finally {
    for (const pool of pools) await pool.end();
    await proxy?.stop();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

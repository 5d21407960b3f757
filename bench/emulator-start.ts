/**
 * How fast the emulator starts, per engine: start → ready (startEmulator resolves: the server accepts the master user
 * over TLS), the first IAM login after that, stop, and `npm run emulator` until its JSON line. Warm = plugin and
 * template data directory cached (the normal case); cold = a fresh cache directory, so the compilers and the server's
 * bootstrap run once (MySQL's download stays cached: it is linked into the fresh cache, see the cold-cache test).
 *
 *   npx tsx bench/emulator-start.ts [starts=10] [commandStarts=3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import { Signer } from '@aws-sdk/rds-signer';
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { EMULATOR_ENGINES, startEmulator, type EmulatorEngine, type RunningEmulator } from '../lib/emulator';
import { ENSURE_MYSQL_SERVER_SCRIPT } from '../lib/emulator/mysql-installation';
import { CACHE_DIRECTORY_VARIABLE } from '../lib/emulator/package-paths';
import { median } from './statistics';

const starts = Number(process.argv[2] ?? 10);
const commandStarts = Number(process.argv[3] ?? 3);

interface Row {
  readonly measure: string;
  readonly samples: number[];
}

async function timed<T>(action: () => Promise<T>): Promise<[T, number]> {
  const begin = performance.now();
  const result = await action();
  return [result, performance.now() - begin];
}

async function firstIamLogin(emulator: RunningEmulator): Promise<void> {
  const admin = await createConnection({
    host: emulator.host, port: emulator.port, user: emulator.adminUser, password: emulator.adminPassword,
    ssl: { ca: emulator.caPem, verifyIdentity: true },
  });
  await admin.query("CREATE USER 'bench_iam'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
  await admin.end();
  const token = await new Signer({
    credentials: { accessKeyId: emulator.accessKeyId, secretAccessKey: emulator.secretAccessKey },
    hostname: emulator.endpointHost, port: emulator.port, region: emulator.region, username: 'bench_iam',
  }).getAuthToken();
  const user = await createConnection({
    host: emulator.host, port: emulator.port, user: 'bench_iam', password: token,
    ssl: { ca: emulator.caPem, verifyIdentity: true }, enableCleartextPlugin: true,
  });
  await user.end();
}

function commandUntilJsonLine(engine: EmulatorEngine): Promise<number> {
  const begin = performance.now();
  const child = spawn('npm', ['run', '--silent', 'emulator', '--', '--engine', engine], { cwd: dirname(__dirname), stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let elapsed = 0;
    child.stdout.on('data', () => {
      if (elapsed === 0) {
        elapsed = performance.now() - begin;
        child.kill('SIGTERM');
      }
    });
    child.once('close', () => (elapsed > 0 ? resolve(elapsed) : reject(new Error('npm run emulator printed nothing'))));
  });
}


async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const engine of EMULATOR_ENGINES) rows.push(...(await measureEngine(engine)));

  console.log(`Emulator start-up, ${starts} warm starts, ${commandStarts} command starts, ${new Date().toISOString()}\n`);
  console.log('| measure | runs | median ms | min ms | max ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const { measure, samples } of rows) {
    const format = (value: number) => value.toFixed(0);
    console.log(`| ${measure} | ${samples.length} | ${format(median(samples))} | ${format(Math.min(...samples))} | ${format(Math.max(...samples))} |`);
  }
}

async function measureEngine(engine: EmulatorEngine): Promise<Row[]> {
  const rows: Row[] = [];
  const mysqlDownload = engine === 'mysql' ? execFileSync('bash', [join(dirname(__dirname), ENSURE_MYSQL_SERVER_SCRIPT)], { encoding: 'utf8' }).trim() : '';
  const coldCache = mkdtempSync(join(tmpdir(), 'rds-iam-emulator-cold-cache-'));
  if (engine === 'mysql') symlinkSync(dirname(mysqlDownload), join(coldCache, 'mysql-server'));
  process.env[CACHE_DIRECTORY_VARIABLE] = coldCache;
  const [cold, coldMs] = await timed(() => startEmulator({ engine }));
  await cold.stop();
  delete process.env[CACHE_DIRECTORY_VARIABLE];
  rmSync(coldCache, { recursive: true, force: true });
  rows.push({ measure: `${engine}: cold start → ready (plugin build + bootstrap + start)`, samples: [coldMs] });

  await (await startEmulator({ engine })).stop(); // make sure the normal cache is warm
  const ready: number[] = [];
  const login: number[] = [];
  const stop: number[] = [];
  for (let run = 0; run < starts; run++) {
    const [emulator, readyMs] = await timed(() => startEmulator({ engine }));
    const [, loginMs] = await timed(() => firstIamLogin(emulator));
    const [, stopMs] = await timed(() => emulator.stop());
    ready.push(readyMs);
    login.push(loginMs);
    stop.push(stopMs);
  }
  rows.push({ measure: `${engine}: warm start → ready (startEmulator)`, samples: ready });
  rows.push({ measure: `${engine}: then create IAM user, sign token, log in over TLS`, samples: login });
  rows.push({ measure: `${engine}: stop (SIGKILL by pid, remove directory)`, samples: stop });

  const command: number[] = [];
  for (let run = 0; run < commandStarts; run++) command.push(await commandUntilJsonLine(engine));
  rows.push({ measure: `${engine}: \`npm run emulator\` → JSON line (npm + tsx included)`, samples: command });
  return rows;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

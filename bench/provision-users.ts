/**
 * Provisioning speed against the emulator: `convergeUsers` (what the Lambda and `rds-iam apply` run: detect the
 * server, validate, read the live state, plan, execute, log one JSON line per statement) next to the floor, the
 * very same statements sent by a bare mysql2 loop on one connection.
 *
 *   npx tsx bench/provision-users.ts [repetitions=3] [sizes=1,100,1000]
 *
 * Each user gets three statements (CREATE USER ... REQUIRE SSL, a database grant, a table grant). Before every timed
 * run the bench users are dropped, so both sides start from the same empty state. Floor and ours swap order every
 * repetition (the server's own background work after a drop then weighs on both alike); the table shows medians and
 * the median of the per-repetition ratios. Small sizes get more repetitions. Both use one TLS connection opened
 * beforehand (not timed). Log lines are serialized and written to /dev/null, as the Lambda serializes them to stdout.
 *
 * The server's own time per statement varies a lot on a shared machine, so the table also splits ours into the time
 * spent waiting on its statements (the `durationMs` of its log entries) and everything else: its overhead (detecting
 * the server, validating, reading the live state, planning, logging), which is what this code adds to the floor.
 */
import { createWriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { startEmulator, type RunningEmulator } from '../lib/emulator';
import { connectAsMaster } from '../lib/provisioning/master-connection';
import { convergeUsers } from '../lib/provisioning/converge-users';
import type { DatabaseUserSpec } from '../lib/users/database-user-spec';
import { median } from './statistics';

const repetitions = Number(process.argv[2] ?? 3);
const sizes = (process.argv[3] ?? '1,100,1000').split(',').map(Number);
const PREFIX = 'bench_u';

function benchUsers(count: number): DatabaseUserSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    username: `${PREFIX}${String(index).padStart(4, '0')}`,
    grants: [
      { on: 'bench_app.*', privileges: ['SELECT', 'INSERT', 'UPDATE'] },
      { on: 'bench_app.orders', privileges: ['DELETE'] },
    ],
    requireSsl: true,
    removalPolicy: 'drop',
    adoptExistingUser: false,
  }));
}

async function dropBenchUsers(admin: Connection): Promise<void> {
  const [rows] = await admin.query<RowDataPacket[]>("SELECT User FROM mysql.user WHERE Host = '%' AND User LIKE ?", [`${PREFIX}%`]);
  for (const row of rows) await admin.query("DROP USER ?@'%'", [row.User]);
}


async function main(): Promise<void> {
  const emulator: RunningEmulator = await startEmulator();
  const sink = createWriteStream('/dev/null');
  let statementMs = 0;
  const log = (entry: Readonly<Record<string, unknown>>): void => {
    if (typeof entry.durationMs === 'number') statementMs += entry.durationMs;
    sink.write(`${JSON.stringify(entry)}\n`);
  };
  try {
    const master = {
      host: emulator.host, servername: emulator.endpointHost, port: emulator.port,
      user: emulator.adminUser, password: emulator.adminPassword, ca: emulator.caPem,
    };
    const ours = await connectAsMaster(master);
    const bareConnection = (): Promise<Connection> =>
      createConnection({
        host: emulator.host, port: emulator.port, user: emulator.adminUser, password: emulator.adminPassword,
        ssl: { ca: emulator.caPem, rejectUnauthorized: true },
      });
    const floor = await bareConnection();
    // Arranging (creating the schema, dropping users between runs) happens on a third connection.
    const admin = await bareConnection();
    await admin.query('CREATE DATABASE bench_app');
    await admin.query('CREATE TABLE bench_app.orders (id INT)');

    const rows: string[] = [];
    for (const size of sizes) {
      const desired = benchUsers(size);
      const options = { desired, previous: [], operation: 'converge' as const, masterUsername: emulator.adminUser, log };
      await dropBenchUsers(admin);
      const statements = (await convergeUsers(ours, { ...options, dryRun: true })).plan.statements.map((statement) => statement.sql);
      const floorMs: number[] = [];
      const oursMs: number[] = [];
      const ratios: number[] = [];
      const overheadMs: number[] = [];
      const rerunMs: number[] = [];
      const runFloor = async (): Promise<number> => {
        await dropBenchUsers(admin);
        const start = performance.now();
        for (const sql of statements) await floor.query(sql);
        return performance.now() - start;
      };
      const runOurs = async (): Promise<number> => {
        await dropBenchUsers(admin);
        statementMs = 0;
        const start = performance.now();
        const result = await convergeUsers(ours, options);
        const elapsed = performance.now() - start;
        overheadMs.push(elapsed - statementMs);
        if (result.executed !== statements.length) throw new Error(`expected ${statements.length} statements, ran ${result.executed}`);
        return elapsed;
      };
      const runs = size < 10 ? Math.max(repetitions, 15) : repetitions;
      for (let repetition = 0; repetition < runs; repetition += 1) {
        let floorElapsed: number;
        let oursElapsed: number;
        if (repetition % 2 === 0) {
          floorElapsed = await runFloor();
          oursElapsed = await runOurs();
        } else {
          oursElapsed = await runOurs();
          floorElapsed = await runFloor();
        }
        floorMs.push(floorElapsed);
        oursMs.push(oursElapsed);
        ratios.push(oursElapsed / floorElapsed);

        const start = performance.now();
        const rerun = await convergeUsers(ours, options);
        rerunMs.push(performance.now() - start);
        if (rerun.executed !== 0) throw new Error(`a re-run changed ${rerun.executed} things`);
      }
      const [f, o, r] = [median(floorMs), median(oursMs), median(rerunMs)];
      rows.push(
        `| ${size} | ${statements.length} | ${runs} | ${f.toFixed(0)} ms | ${o.toFixed(0)} ms | ${median(ratios).toFixed(2)}x | ${median(overheadMs).toFixed(1)} ms | ${((median(overheadMs) / size) * 1000).toFixed(0)} µs | ${r.toFixed(0)} ms |`,
      );
      process.stderr.write(`N=${size} done\n`);
    }
    await dropBenchUsers(admin);
    await Promise.all([ours.end(), floor.end(), admin.end()]);

    console.log(`Provisioning N IAM users on the emulator (MariaDB, TLS, one connection), medians, node ${process.version}\n`);
    console.log('| users (N) | statements | runs | floor: bare mysql2 loop | convergeUsers | ours / floor (median of ratios) | ours minus its statements (overhead) | overhead per user | re-run, nothing to change |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of rows) console.log(row);
  } finally {
    sink.end();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * Time to a printed token: `rds-iam token` (the built CLI, node dist/bin/rds-iam.js) next to
 * `aws rds generate-db-auth-token` (AWS CLI v2 at /usr/bin/aws), same endpoint, user and credentials.
 *
 *   npm run build && npx tsx bench/cli-token-latency.ts [runs=15]
 *
 * Each run is one cold process, wall time from spawn to exit, with static credentials in the environment and no
 * AWS config files, so neither side waits on a credential provider. The two alternate run by run, and both outputs
 * are checked to be a token. The table shows median, min and max, and the ratio of medians. `npx rds-iam` adds npm's
 * own start-up, so it is shown as a third row.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './statistics';

const runs = Number(process.argv[2] ?? 15);
const ROOT = join(__dirname, '..');
const BUILT_CLI = join(ROOT, 'dist', 'bin', 'rds-iam.js');
const ENDPOINT = ['--hostname', 'orders.cluster-abc123.eu-west-1.rds.amazonaws.com', '--port', '3306', '--username', 'app_rw', '--region', 'eu-west-1'];
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
};

interface Contender {
  readonly name: string;
  readonly program: string;
  readonly args: readonly string[];
}

const CONTENDERS: readonly Contender[] = [
  { name: 'rds-iam token (node dist/bin/rds-iam.js)', program: process.execPath, args: [BUILT_CLI, 'token', ...ENDPOINT] },
  { name: 'aws rds generate-db-auth-token (AWS CLI v2)', program: '/usr/bin/aws', args: ['rds', 'generate-db-auth-token', ...ENDPOINT] },
  { name: 'npx rds-iam token', program: 'npx', args: ['rds-iam', 'token', ...ENDPOINT] },
];

function timeOnce(contender: Contender): number {
  const start = performance.now();
  const run = spawnSync(contender.program, [...contender.args], { cwd: ROOT, env: ENV, encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (run.status !== 0 || !/X-Amz-Signature=[0-9a-f]{64}\n$/.test(run.stdout)) {
    throw new Error(`${contender.name} did not print a token (exit ${run.status}): ${run.stderr}`);
  }
  return elapsed;
}


function main(): void {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run npm run build first`);
  if (!existsSync('/usr/bin/aws')) throw new Error('AWS CLI v2 is not at /usr/bin/aws (Debian package awscli)');
  CONTENDERS.forEach(timeOnce); // warm the page cache for both
  const times = new Map<string, number[]>(CONTENDERS.map((contender) => [contender.name, []]));
  for (let run = 0; run < runs; run += 1) {
    const order = run % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse();
    for (const contender of order) times.get(contender.name)!.push(timeOnce(contender));
  }
  const awsMedian = median(times.get(CONTENDERS[1].name)!);
  console.log(`Time to a printed token, ${runs} cold runs each (node ${process.version})\n`);
  console.log('| command | median ms | min ms | max ms | AWS CLI median / this median |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const contender of CONTENDERS) {
    const values = times.get(contender.name)!;
    const middle = median(values);
    console.log(
      `| ${contender.name} | ${middle.toFixed(0)} | ${Math.min(...values).toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${(awsMedian / middle).toFixed(2)}x |`,
    );
  }
}

main();

/**
 * `npx cdk synth` of the shipped environments, this project against the same stacks declared with cdk-rds-sql
 * (bench/synth-app-cdk-rds-sql.ts), plus a scale row: one environment with 1,000 users.
 *
 *   npx tsx bench/synth-vs-cdk-rds-sql.ts [runs=5] [scaleUsers=1000]
 *   PATH=<dir of another node>:$PATH npx tsx bench/synth-vs-cdk-rds-sql.ts …   on that Node (npx, the CLI and the apps)
 *
 * Every run is the real CLI (`npx cdk synth --quiet`). "fresh cdk.out": a new output directory each run, so both
 * copy their prebuilt handlers into it (ours from dist/lambda, checked against its sources' fingerprint; cdk-rds-sql's
 * from its package). "warm cdk.out": the same directory every run, as when you synthesize again in your checkout.
 * `--no-validation` leaves out aws-cdk-lib's built-in CloudFormation linter in both apps.
 *
 * How an app is started is measured apart from what the library costs. Each scenario runs:
 * - ours as shipped: cdk.json's `node app/run-app.cjs` (esbuild bundles the app with the library's sources, then node);
 * - cdk-rds-sql's app started the same way (`node app/run-app.cjs bench/synth-app-cdk-rds-sql.ts`): same runner, so
 *   the difference is the libraries' and the stacks';
 * - both through `npx tsx`, as this repository's app was started before (and as a typical TypeScript CDK app is);
 * - with `RDS_IAM_BENCH_BASELINE=<dir>`, also an earlier checkout with its own cdk.json app, for before/after figures.
 * Variants are interleaved run by run so a busy machine slows them alike; the table shows the median, min and max
 * wall time, the median CPU time (user + system of the CLI, the app and every process they start, as bash's `times`
 * reports it: less sensitive than wall time to other work on a shared machine), and each library's medians divided by
 * cdk-rds-sql's started the same way.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CDK_RDS_SQL, peerPackageDir } from './peer-packages';
import { median } from './statistics';

const runs = Number(process.argv[2] ?? 5);
const scaleUsers = Number(process.argv[3] ?? 1000);
const root = path.join(__dirname, '..');
// Installed before the first timed run, so no run pays for it.
peerPackageDir(CDK_RDS_SQL);

type Runner = 'run-app' | 'tsx';

interface Variant {
  readonly scenario: string;
  readonly library: 'ours' | 'peer' | 'baseline';
  readonly runner: Runner;
  /** Extra `cdk synth` arguments. */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Reuse one output directory (synthesized once before the measured runs). */
  readonly warm?: boolean;
  /** Where `cdk synth` runs. @default this checkout */
  readonly cwd?: string;
}

/**
 * `RDS_IAM_BENCH_BASELINE=<dir>`: an earlier checkout of this repository (its dependencies installed, its handlers
 * bundled) synthesized side by side with its own cdk.json app, for before/after figures from one run.
 */
const baseline = process.env.RDS_IAM_BENCH_BASELINE;

const APPS: Readonly<Record<'ours' | 'peer', Readonly<Record<'shipped' | 'scale', string>>>> = {
  ours: { shipped: 'app/app.ts', scale: 'bench/synth-app-ours.ts' },
  peer: { shipped: 'bench/synth-app-cdk-rds-sql.ts', scale: 'bench/synth-app-cdk-rds-sql.ts' },
};

function appCommand(library: 'ours' | 'peer', runner: Runner, app: 'shipped' | 'scale'): string {
  return runner === 'tsx' ? `npx tsx ${APPS[library][app]}` : `node app/run-app.cjs ${APPS[library][app]}`;
}

const LIBRARY_NAMES: Readonly<Record<Variant['library'], string>> = {
  ours: 'rds-iam-mysql',
  peer: `${CDK_RDS_SQL.name} ${CDK_RDS_SQL.version}`,
  baseline: `rds-iam-mysql before (${path.basename(baseline ?? '')}, its cdk.json app)`,
};
const RUNNER_NAMES: Readonly<Record<Runner, string>> = { 'run-app': 'node app/run-app.cjs', tsx: 'npx tsx' };
const newDatabases = { RDS_IAM_BENCH_ENVS: 'dev,staging' };

/** The same scenario for both libraries and both runners. */
function scenario(name: string, options: { args?: readonly string[]; ourArgs?: readonly string[]; warm?: boolean; app?: 'shipped' | 'scale'; env?: Record<string, string>; peerEnv?: Record<string, string>; runners?: readonly Runner[] }): Variant[] {
  const app = options.app ?? 'shipped';
  return (options.runners ?? (['run-app', 'tsx'] as const)).flatMap((runner): Variant[] => [
    {
      scenario: name, library: 'ours', runner, warm: options.warm, env: options.env,
      args: ['--app', appCommand('ours', runner, app), ...(options.ourArgs ?? []), ...(options.args ?? [])],
    },
    {
      scenario: name, library: 'peer', runner, warm: options.warm, env: { ...options.env, ...options.peerEnv },
      args: ['--app', appCommand('peer', runner, app), ...(options.args ?? [])],
    },
    ...(baseline !== undefined && runner === 'tsx' && app === 'shipped'
      ? [{ scenario: name, library: 'baseline' as const, runner, warm: options.warm, env: options.env, cwd: baseline, args: [...(options.ourArgs ?? []), ...(options.args ?? [])] }]
      : []),
  ]);
}

const variants: readonly Variant[] = [
  ...scenario('shipped config (dev, staging, prod), fresh cdk.out', {}),
  ...scenario('shipped config (dev, staging, prod), warm cdk.out', { warm: true }),
  // What both libraries can declare: new databases only (cdk-rds-sql cannot import one by identifier).
  ...scenario('dev + staging only, warm cdk.out', { warm: true, ourArgs: ['-c', 'env=dev,staging'], peerEnv: newDatabases }),
  ...scenario('shipped config, fresh cdk.out, --no-validation', { args: ['--no-validation'] }),
  { scenario: 'shipped config, warm cdk.out, -c nag=true', library: 'ours', runner: 'run-app', args: ['-c', 'nag=true'], warm: true },
  ...(scaleUsers > 0
    ? scenario(`${scaleUsers} users, one stack, fresh cdk.out`, { app: 'scale', env: { RDS_IAM_BENCH_USERS: String(scaleUsers) }, runners: ['run-app'] })
    : []),
];

interface Measured {
  readonly seconds: number[];
  readonly cpuSeconds: number[];
  resourcesPerStack: string;
}

/** Wall and CPU time, and resources per stack or why the synth was refused (e.g. more than 500 resources in a stack). */
type SynthOutcome = { seconds: number; cpuSeconds: number; resourcesPerStack: string };

/** `npx cdk synth …` in bash, then `times`: its last line is the user and system time of every process bash waited for. */
const SYNTH_THEN_TIMES = 'npx cdk synth "$@"; status=$?; times >&2; exit $status';

/** The children's line of bash's `times` (`0m5.120s 0m0.480s`), in seconds. */
function childCpuSeconds(stderr: string): number {
  const line = stderr.trimEnd().split('\n').at(-1) ?? '';
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map(([, minutes, seconds]) => Number(minutes) * 60 + Number(seconds));
  if (parts.length !== 2) throw new Error(`no CPU times in the last line of stderr: ${line.slice(0, 80)}`);
  return parts[0] + parts[1];
}

/** Output directories of the warm variants, kept across runs. */
const warmOutdirs = new Map<Variant, string>();

function outdirFor(variant: Variant): string {
  if (!variant.warm) return mkdtempSync(path.join(tmpdir(), 'rds-iam-synth-bench-'));
  let outdir = warmOutdirs.get(variant);
  if (outdir === undefined) {
    outdir = mkdtempSync(path.join(tmpdir(), 'rds-iam-synth-bench-warm-'));
    warmOutdirs.set(variant, outdir);
  }
  return outdir;
}

function synthOnce(variant: Variant): SynthOutcome {
  const outdir = outdirFor(variant);
  try {
    const begin = performance.now();
    const result = spawnSync('bash', ['-c', SYNTH_THEN_TIMES, 'bash', '--quiet', '-o', outdir, ...variant.args], {
      cwd: variant.cwd ?? root,
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', ...variant.env },
    });
    const seconds = (performance.now() - begin) / 1000;
    const cpuSeconds = childCpuSeconds(result.stderr);
    if (result.status !== 0) {
      const tooMany = /Number of resources in stack '([^']+)': (\d+) is greater than allowed maximum of (\d+)/.exec(result.stderr);
      if (tooMany === null) throw new Error(`cdk synth failed for ${describe(variant)} (${variant.scenario}):\n${result.stderr}`);
      return { seconds, cpuSeconds, resourcesPerStack: `REFUSED: ${tooMany[2]} resources > ${tooMany[3]} (CloudFormation limit)` };
    }
    const resourcesPerStack = readdirSync(outdir)
      .filter((name) => name.endsWith('.template.json'))
      .sort()
      .map((name) => `${name.replace(/^RdsIamMysql-|\.template\.json$/g, '')} ${Object.keys(JSON.parse(readFileSync(path.join(outdir, name), 'utf8')).Resources).length}`)
      .join(', ');
    return { seconds, cpuSeconds, resourcesPerStack };
  } finally {
    if (!variant.warm) rmSync(outdir, { recursive: true, force: true });
  }
}


function main(): void {
  const measured = new Map<Variant, Measured>(variants.map((variant) => [variant, { seconds: [], cpuSeconds: [], resourcesPerStack: '' }]));
  const startLoad = loadavg()[0];
  for (const variant of variants.filter((candidate) => candidate.warm)) synthOnce(variant);
  for (let run = 1; run <= runs; run += 1) {
    for (const variant of variants) {
      const { seconds, cpuSeconds, resourcesPerStack } = synthOnce(variant);
      const entry = measured.get(variant)!;
      entry.seconds.push(seconds);
      entry.cpuSeconds.push(cpuSeconds);
      entry.resourcesPerStack = resourcesPerStack;
      process.stderr.write(`run ${run}/${runs}  ${variant.scenario} / ${describe(variant)}: ${seconds.toFixed(1)} s, CPU ${cpuSeconds.toFixed(1)} s\n`);
    }
  }
  for (const outdir of warmOutdirs.values()) rmSync(outdir, { recursive: true, force: true });
  console.log(`\n\`npx cdk synth --quiet\` on Node.js ${process.version}, ${runs} runs interleaved; ${cpus().length} CPUs, load average ${startLoad.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end\n`);
  console.log('| scenario | construct library | app started by | median s | min s | max s | median CPU s | wall / cdk-rds-sql started alike | CPU / cdk-rds-sql started alike | resources per stack |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const variant of variants) {
    const { seconds, cpuSeconds, resourcesPerStack } = measured.get(variant)!;
    const peerAlike = variants.find((other) => other.library === 'peer' && other.scenario === variant.scenario && other.runner === variant.runner);
    const ratio = (pick: (entry: Measured) => number[]): string =>
      variant.library !== 'peer' && peerAlike !== undefined
        ? `${(median(pick(measured.get(variant)!)) / median(pick(measured.get(peerAlike)!))).toFixed(2)}x`
        : '';
    console.log(
      `| ${variant.scenario} | ${LIBRARY_NAMES[variant.library]} | ${RUNNER_NAMES[variant.runner]} | ${median(seconds).toFixed(1)} | ` +
        `${Math.min(...seconds).toFixed(1)} | ${Math.max(...seconds).toFixed(1)} | ${median(cpuSeconds).toFixed(1)} | ` +
        `${ratio((entry) => entry.seconds)} | ${ratio((entry) => entry.cpuSeconds)} | ${resourcesPerStack} |`,
    );
  }
}

function describe(variant: Variant): string {
  return `${LIBRARY_NAMES[variant.library]} (${RUNNER_NAMES[variant.runner]})`;
}
main();

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import type { EmulatorSummary } from '../../lib/emulator';
import type { EmulatorEngine } from '../../lib/emulator/emulator-options';
import { ENSURE_MYSQL_SERVER_SCRIPT } from '../../lib/emulator/mysql-installation';
import { CACHE_DIRECTORY_VARIABLE } from '../../lib/emulator/package-paths';
import { describeEachEngine } from '../support/emulator';

const PACKAGE_ROOT = dirname(dirname(__dirname));
const TSX = join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx');

/** Runs bin/emulator.ts until its JSON line, then stops it with SIGTERM; resolves with the line and exit code. */
function emulatorUntilReady(cacheDirectory: string, engine: EmulatorEngine): Promise<{ summary: EmulatorSummary; exitCode: number | null }> {
  const child = spawn(TSX, ['bin/emulator.ts', '--engine', engine], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, [CACHE_DIRECTORY_VARIABLE]: cacheDirectory },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.includes('\n')) child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    child.once('close', (exitCode) => {
      if (!stdout.includes('\n')) reject(new Error(`the emulator did not start: ${stderr}`));
      else resolve({ summary: JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as EmulatorSummary, exitCode });
    });
  });
}

/** The folder the MySQL download is cached in (this test empties the build cache, not the 70 MB download). */
async function mysqlServerCache(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [join(PACKAGE_ROOT, ENSURE_MYSQL_SERVER_SCRIPT)]);
  return dirname(stdout.trim());
}

describeEachEngine('an empty cache', (engine) => {
  let cacheDirectory: string;
  const downloads = engine === 'mysql' ? ['mysql-server'] : [];

  beforeAll(async () => {
    cacheDirectory = await mkdtemp(join(tmpdir(), 'rds-iam-emulator-cache-'));
    if (engine === 'mysql') await symlink(await mysqlServerCache(), join(cacheDirectory, 'mysql-server'));
  });

  afterAll(async () => {
    await rm(cacheDirectory, { recursive: true, force: true });
  });

  it('is filled safely by two processes starting at once (as two Jest workers do): both start, one plugin, one template', async () => {
    const [first, second] = await Promise.all([emulatorUntilReady(cacheDirectory, engine), emulatorUntilReady(cacheDirectory, engine)]);

    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect([first.summary.engine, second.summary.engine]).toEqual([engine, engine]);
    expect(first.summary.port).not.toBe(second.summary.port);
    const entries = (await readdir(cacheDirectory)).sort();
    const pluginFolder = entries.find((entry) => entry.startsWith('plugin'))!;
    expect(entries).toEqual([expect.stringMatching(new RegExp(`^datadir-${engine}-[0-9a-f]{16}$`)), ...downloads, pluginFolder].sort());
    const plugins = (await readdir(join(cacheDirectory, pluginFolder))).filter((name) => name.startsWith('auth_aws_iam-'));
    expect(plugins).toEqual([expect.stringMatching(/^auth_aws_iam-[0-9a-f]{16}\.so$/)]);
  });
});

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EmulatorSummary } from '../../lib/emulator';
import { CACHE_DIRECTORY_VARIABLE } from '../../lib/emulator/package-paths';

const PACKAGE_ROOT = dirname(dirname(__dirname));
const TSX = join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsx');

/** Runs bin/emulator.ts until its JSON line, then stops it with SIGTERM; resolves with the line and exit code. */
function emulatorUntilReady(cacheDirectory: string): Promise<{ summary: EmulatorSummary; exitCode: number | null }> {
  const child = spawn(TSX, ['bin/emulator.ts'], {
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

describe('an empty cache', () => {
  let cacheDirectory: string;

  beforeAll(async () => {
    cacheDirectory = await mkdtemp(join(tmpdir(), 'rds-iam-emulator-cache-'));
  });

  afterAll(async () => {
    await rm(cacheDirectory, { recursive: true, force: true });
  });

  it('is filled safely by two processes starting at once (as two Jest workers do): both start, one plugin, one template', async () => {
    const [first, second] = await Promise.all([emulatorUntilReady(cacheDirectory), emulatorUntilReady(cacheDirectory)]);

    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect(first.summary.port).not.toBe(second.summary.port);
    expect((await readdir(cacheDirectory)).sort()).toEqual([expect.stringMatching(/^datadir-[0-9a-f]{16}$/), 'plugin']);
    expect(await readdir(join(cacheDirectory, 'plugin'))).toEqual([expect.stringMatching(/^auth_aws_iam-[0-9a-f]{16}\.so$/)]);
  });
});

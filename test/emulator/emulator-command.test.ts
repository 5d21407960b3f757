import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import type { EmulatorSummary } from '../../lib/emulator';
import type { EmulatorEngine } from '../../lib/emulator/emulator-options';
import { isProcessAlive } from '../../lib/emulator/process-liveness';
import { describeEachEngine } from '../support/emulator';

const run = promisify(execFile);
const PACKAGE_ROOT = dirname(dirname(__dirname));

/** `npm run --silent emulator`, with everything it writes collected. */
interface EmulatorCommand {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  readonly summary: EmulatorSummary;
  readonly stdoutLines: () => string[];
  readonly closed: Promise<number | null>;
}

async function startEmulatorCommand(engine: EmulatorEngine): Promise<EmulatorCommand> {
  const child = spawn('npm', ['run', '--silent', 'emulator', '--', '--engine', engine], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // stdout closes only when every process holding it (npm, sh, tsx, node) has exited.
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    void closed.then((code) => reject(new Error(`npm run emulator exited (${code}) before printing: ${stderr}`)));
  });
  return {
    process: child,
    summary: JSON.parse(firstLine) as EmulatorSummary,
    stdoutLines: () => stdout.split('\n').filter((line) => line !== ''),
    closed,
  };
}

describeEachEngine('npm run emulator', (engine) => {
  let command: EmulatorCommand;

  beforeAll(async () => {
    command = await startEmulatorCommand(engine);
  });

  afterAll(async () => {
    if (command.process.exitCode === null) command.process.kill('SIGTERM');
    await command.closed;
  });

  it('prints one JSON line with everything a client and a token generator need', () => {
    expect(command.summary).toEqual({
      engine,
      serverVersion: engine === 'mysql' ? expect.stringMatching(/^\d+\.\d+\.\d+$/) : expect.stringMatching(/^\d+\.\d+\.\d+-MariaDB/),
      host: '127.0.0.1',
      port: expect.any(Number),
      endpoint: `localhost:${command.summary.port}`,
      endpointHost: 'localhost',
      region: 'us-east-1',
      accessKeyId: expect.stringMatching(/^AKIA[A-Z0-9]{16}$/),
      secretAccessKey: expect.any(String),
      caFile: expect.stringMatching(/ca\.pem$/),
      adminUser: 'admin',
      adminPassword: expect.any(String),
      errorLogFile: expect.any(String),
      pid: expect.any(Number),
    });
    expect(command.stdoutLines()).toHaveLength(1);
  });

  it('accepts a token from `aws rds generate-db-auth-token` in the mariadb client', async () => {
    // Prepare: the master user creates an IAM user, as the provisioner will on RDS.
    const { summary } = command;
    const admin = await createConnection({
      host: summary.host,
      port: summary.port,
      user: summary.adminUser,
      password: summary.adminPassword,
      ssl: { ca: await readFile(summary.caFile, 'utf8'), verifyIdentity: true },
    });
    await admin.query("CREATE USER 'cli_app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
    await admin.end();
    const [hostname, port] = summary.endpoint.split(':');
    const { stdout: token } = await run(
      '/usr/bin/aws',
      ['rds', 'generate-db-auth-token', '--hostname', hostname, '--port', port, '--username', 'cli_app'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: '/nonexistent',
          AWS_ACCESS_KEY_ID: summary.accessKeyId,
          AWS_SECRET_ACCESS_KEY: summary.secretAccessKey,
          AWS_DEFAULT_REGION: summary.region,
        },
      },
    );

    // Act
    const { stdout } = await run('mariadb', [
      '--no-defaults', '--protocol=TCP', '-h', hostname, '-P', port, '-u', 'cli_app', '--ssl-verify-server-cert',
      `--ssl-ca=${summary.caFile}`, `--password=${token.trim()}`, '--batch', '--skip-column-names', '-e', 'SELECT CURRENT_USER()',
    ]);

    // Assess
    expect(stdout.trim()).toBe('cli_app@%');
  });

  it('stops the server and exits cleanly on SIGTERM, leaving no process or directory behind', async () => {
    const { summary } = command;
    expect(isProcessAlive(summary.pid)).toBe(true);

    command.process.kill('SIGTERM');
    await command.closed;

    expect(isProcessAlive(summary.pid)).toBe(false);
    expect(existsSync(dirname(summary.errorLogFile))).toBe(false);
    expect(command.stdoutLines()).toHaveLength(1);
  });
});

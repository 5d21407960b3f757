import { spawn } from 'node:child_process';
import { runInProcess } from './in-process-cli';
import { BUILT_CLI, cleanAwsEnvironment, runBuiltCli } from './run-built-cli';

const COMMANDS = ['token', 'ca-bundle', 'connect', 'local', 'plan', 'apply', 'diff'];

describe('rds-iam --help', () => {
  it('lists every command', async () => {
    const run = await runBuiltCli(['--help']);

    expect(run.exitCode).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('stops quietly with exit code 0 when its reader leaves before it writes (`rds-iam --help | head -1`)', async () => {
    // Prepare
    const child = spawn(process.execPath, [BUILT_CLI, '--help'], { env: cleanAwsEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

    // Act: the only reader of its standard output is gone before the program has even loaded.
    child.stdout.destroy();
    const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));

    // Assess
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
  });

  it.each(COMMANDS)('explains %s with its usage and an example, exit code 0', async (command) => {
    const run = await runInProcess([command, '--help']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: rds-iam ${command} \\[options\\]`));
    expect(run.stdout).toMatch(/Examples?:/);
  });

  it('answers an unknown command or a missing required flag with exit code 1 and a pointer to --help', async () => {
    const unknown = await runInProcess(['tokn']);
    const missing = await runInProcess(['token', '--hostname', 'mydb.abc.us-east-1.rds.amazonaws.com']);

    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'tokn'");
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("required option '--username <user>' not specified");
    expect(missing.stderr).toContain('(add --help for usage)');
  });
});

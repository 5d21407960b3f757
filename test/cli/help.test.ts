import { runInProcess } from './in-process-cli';
import { runBuiltCli } from './run-built-cli';

const COMMANDS = ['token', 'ca-bundle', 'connect', 'local', 'plan', 'apply', 'diff'];

describe('rds-iam --help', () => {
  it('lists every command', async () => {
    const run = await runBuiltCli(['--help']);

    expect(run.exitCode).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
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

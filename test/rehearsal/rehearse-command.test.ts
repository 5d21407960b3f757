import { runInProcess } from '../cli/in-process-cli';
import { useSynthesizedApp } from './synthesized-app';

const cdkOut = useSynthesizedApp({ env: 'dev' });

describe('rds-iam rehearse', () => {
  it('prints one line per step and exits 0 when every step passes', async () => {
    const run = await runInProcess(['rehearse', 'RdsIamMysql-dev', '--app', cdkOut()]);

    // dev is Aurora MySQL: its provisioner's custom resource declares Engine mysql, so that is the emulator's engine.
    expect(run.stderr).toContain("rehearsing RdsIamMysql-dev from");
    expect(run.stderr).toContain("on the emulator, mysql (the stack's declared engine)");
    const stepLines = run.stdout.split('\n').filter((line) => /^\d\d:\d\d:\d\d\.\d{3} {2}(ok|FAIL)/.test(line));
    expect(stepLines).toHaveLength(10);
    expect(stepLines[0]).toMatch(/ok {4}create .* \d+ statements {2}Create SUCCESS$/);
    expect(run.stdout).toContain('RdsIamMysql-dev: all 10 steps passed');
    // The dev stack's RDS Proxy: app_rw logged in through it after each of the 7 steps that verify users.
    expect(run.stdout).toContain(
      'through RDS Proxy orders-dev-proxy (emulated, tokens signed for orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com:3306): 7 logins accepted, 0 refused',
    );
    expect(run.exitCode).toBe(0);
  }, 180_000);

  it('runs on the engine --engine names instead, the same lifecycle passing', async () => {
    const run = await runInProcess(['rehearse', 'RdsIamMysql-dev', '--app', cdkOut(), '--engine', 'mariadb']);

    expect(run.stderr).toContain('on the emulator, mariadb (--engine)');
    expect(run.stdout).toContain('RdsIamMysql-dev: all 10 steps passed');
    expect(run.exitCode).toBe(0);
  }, 180_000);

  it('runs only create, both updates and delete with --core, logging in as the sample --login-sample sets', async () => {
    const run = await runInProcess(['rehearse', 'RdsIamMysql-dev', '--app', cdkOut(), '--engine', 'mariadb', '--core', '--login-sample', '1']);

    const steps = run.stdout.split('\n').filter((line) => /^\d\d:\d\d:\d\d\.\d{3} {2}(ok|FAIL)/.test(line)).map((line) => line.slice(20, 58).trim());
    expect(steps).toEqual(['create', 'update, properties unchanged', 'update, users changed', 'delete, leaving the database as found']);
    expect(run.stdout).toContain('RdsIamMysql-dev: all 4 steps passed');
    expect(run.exitCode).toBe(0);
  }, 180_000);

  it('refuses a login sample that is not a count, before starting anything', async () => {
    const run = await runInProcess(['rehearse', 'RdsIamMysql-dev', '--app', cdkOut(), '--login-sample', '0']);

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('must be a whole number of at least 1');
    expect(run.stderr).not.toContain('rehearsing');
  });

  it('refuses an engine the emulator does not run, naming the ones it does, before starting anything', async () => {
    const run = await runInProcess(['rehearse', 'RdsIamMysql-dev', '--app', cdkOut(), '--engine', 'postgres']);

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('must be one of mariadb, mysql');
    expect(run.stderr).not.toContain('rehearsing');
  });

  it('names the stacks the assembly has when asked for another, and exits 1', async () => {
    const run = await runInProcess(['rehearse', 'RdsIamMysql-qa', '--app', cdkOut()]);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('has no stack "RdsIamMysql-qa"; it has: RdsIamMysql-dev');
  });

  it('says to run cdk synth when the directory is no cloud assembly, and exits 1', async () => {
    const run = await runInProcess(['rehearse', 'RdsIamMysql-dev', '--app', __dirname]);

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/is not a synthesized cloud assembly .* run npx cdk synth first, or give its directory with --app/);
  });
});

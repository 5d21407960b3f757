import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamDatabaseUser } from '../../lib';
import type { EmulatorEngine } from '../../lib/emulator';
import { databaseFixture } from '../support/database-fixtures';
import { describeEachEngine, useEmulator } from '../support/emulator';
import { BUILT_CLI, runProgram } from './run-built-cli';
import { runInProcess } from './in-process-cli';
import { PASSWORD_VARIABLE, useMasterSession } from './master-session-fixture';

/**
 * A stack none of this repository's environments declares: a consumer's own, built with the public constructs and
 * synthesized into a cloud assembly of its own. `plan` and `apply` read its users from the template alone.
 */
function synthesizeConsumerStack(outdir: string, engine: EmulatorEngine): void {
  const { app, provisioner } = databaseFixture({ outdir, kind: engine === 'mysql' ? 'aurora-mysql' : 'mariadb-instance' });
  new IamDatabaseUser(provisioner, 'Checkout', { provisioner, username: 'checkout_api', grants: [{ privileges: ['SELECT', 'INSERT'], on: 'checkout.*' }] });
  new IamDatabaseUser(provisioner, 'Ledger', { provisioner, username: 'ledger_ro', grants: [{ privileges: ['SELECT'], on: 'ledger.*' }] });
  app.synth();
}

describeEachEngine('plan and apply on a stack from its template', (engine) => {
  const emulator = useEmulator({ engine });
  useMasterSession(emulator);
  let assembly: string;

  beforeAll(() => {
    assembly = mkdtempSync(join(tmpdir(), 'rds-iam-consumer-assembly-'));
    synthesizeConsumerStack(assembly, engine);
  });
  afterAll(() => rmSync(assembly, { recursive: true, force: true }));

  function run(command: 'plan' | 'apply', declaration: readonly string[]) {
    return runInProcess([
      command, ...declaration,
      '--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile,
      '--admin-user', emulator().adminUser, '--password-env', PASSWORD_VARIABLE,
    ]);
  }

  it('plans the declared users of --stack from --app, applies them, then finds nothing to do', async () => {
    // Act
    const planned = await run('plan', ['--stack', 'Fixture', '--app', assembly]);
    const applied = await run('apply', ['--stack', 'Fixture', '--app', assembly]);
    const again = await run('plan', ['--stack', 'Fixture', '--app', assembly]);

    // Assess
    expect(planned.exitCode).toBe(2);
    expect(planned.stdout).toMatch(/^CREATE USER (IF NOT EXISTS )?'checkout_api'@'%' IDENTIFIED (WITH|VIA) AWSAuthenticationPlugin/m);
    expect(planned.stdout).toContain("GRANT INSERT, SELECT ON `checkout`.* TO 'checkout_api'@'%';");
    expect(planned.stdout).toContain("GRANT SELECT ON `ledger`.* TO 'ledger_ro'@'%';");
    expect(applied).toMatchObject({ exitCode: 0, stdout: planned.stdout });
    expect(again).toMatchObject({ exitCode: 0, stdout: '' });
    expect(again.stderr).toContain(`stack Fixture at localhost:${emulator().port}: no changes`);
  });

  it('reads the same declaration from --template', async () => {
    const fromTemplate = await run('plan', ['--template', join(assembly, 'Fixture.template.json')]);

    expect(fromTemplate).toMatchObject({ exitCode: 0, stdout: '' });
    expect(fromTemplate.stderr).toContain('stack Fixture at ');
  });

  it('names the stacks the assembly has when --stack is not one of them', async () => {
    const missing = await run('plan', ['--stack', 'Orders', '--app', assembly]);

    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('has no stack "Orders"; it has: Fixture');
  });
});

describe('plan on a template', () => {
  it('loads no aws-cdk-lib to read the declaration', async () => {
    // Prepare
    const assembly = mkdtempSync(join(tmpdir(), 'rds-iam-consumer-assembly-'));
    synthesizeConsumerStack(assembly, 'mariadb');
    const program = join(BUILT_CLI, '..', '..', 'lib', 'cli', 'program.js');

    // Act: the built CLI in a node process that reports which modules it loaded; port 9 refuses the connection.
    const args = ['node', 'rds-iam', 'plan', '--stack', 'Fixture', '--app', assembly, '--hostname', '127.0.0.1', '--port', '9',
      '--ca', join(assembly, 'manifest.json'), '--admin-user', 'admin', '--password-env', 'HOME'];
    const script =
      `require(${JSON.stringify(program)}).runCli(${JSON.stringify(args)})` +
      ".then((code) => { process.exitCode = code; const cdk = Object.keys(require.cache).filter((p) => p.includes('/node_modules/aws-cdk-lib/'));" +
      " process.stderr.write('aws-cdk-lib modules: ' + cdk.length + '\\n'); });";
    const run = await runProgram(process.execPath, ['-e', script]);
    rmSync(assembly, { recursive: true, force: true });

    // Assess: it read the stack's users (the deployed-state line), then failed to connect, never loading aws-cdk-lib.
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('deployed state: none');
    expect(run.stderr).toMatch(/aws-cdk-lib modules: 0\n$/);
  });
});

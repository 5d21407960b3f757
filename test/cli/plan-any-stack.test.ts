import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamDatabaseUser } from '../../lib';
import type { EmulatorEngine } from '../../lib/emulator';
import { databaseFixture } from '../support/database-fixtures';
import type { RowDataPacket } from 'mysql2/promise';
import { createIamUser, describeEachEngine, useEmulator } from '../support/emulator';
import { BUILT_CLI, runProgram } from './run-built-cli';
import { emulatorCredentialsEnvironment, runInProcess, setEnvironment } from './in-process-cli';
import { PASSWORD_VARIABLE, useMasterSession } from './master-session-fixture';

/**
 * A stack none of this repository's environments declares: a consumer's own, built with the public constructs and
 * synthesized into a cloud assembly of its own. `plan` and `apply` read its users from the template alone.
 */
function synthesizeConsumerStack(outdir: string, engine: EmulatorEngine, adminIamUsername?: string): void {
  const { app, provisioner } = databaseFixture({
    outdir,
    kind: engine === 'mysql' ? 'aurora-mysql' : 'mariadb-instance',
    ...(adminIamUsername === undefined ? {} : { provisioner: { adminUser: { iamUsername: adminIamUsername } } }),
  });
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

describeEachEngine('plan and apply as an IAM admin user (--admin-iam): no password anywhere', (engine) => {
  const emulator = useEmulator({ engine });
  const admin = useMasterSession(emulator);
  const ADMIN = 'users_admin';
  let assembly: string;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    assembly = mkdtempSync(join(tmpdir(), 'rds-iam-consumer-assembly-'));
    synthesizeConsumerStack(assembly, engine);
    // As a platform team would make it once, as master: an IAM user that may create users, read the grant tables,
    // and grant what the stack declares, but is not the master.
    await createIamUser(admin(), ADMIN);
    await admin().query("GRANT CREATE USER ON *.* TO ?@'%'", [ADMIN]);
    await admin().query("GRANT SELECT ON mysql.* TO ?@'%'", [ADMIN]);
    await admin().query("GRANT SELECT, INSERT ON checkout.* TO ?@'%' WITH GRANT OPTION", [ADMIN]);
    await admin().query("GRANT SELECT ON ledger.* TO ?@'%' WITH GRANT OPTION", [ADMIN]);
    // The CLI signs the admin's token with the default credential chain: the emulator's test key.
    restoreEnvironment = setEnvironment(emulatorCredentialsEnvironment(emulator()));
  });
  afterAll(() => {
    restoreEnvironment?.();
    rmSync(assembly, { recursive: true, force: true });
  });

  function run(command: 'plan' | 'apply', login: readonly string[]) {
    return runInProcess([
      command, '--stack', 'Fixture', '--app', assembly,
      '--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile, '--region', emulator().region,
      ...login,
    ]);
  }

  it('plans, applies, then finds nothing to do, logged in with a token for the admin user', async () => {
    // Act
    const planned = await run('plan', ['--admin-user', ADMIN, '--admin-iam']);
    const applied = await run('apply', ['--admin-user', ADMIN, '--admin-iam']);
    const again = await run('plan', ['--admin-user', ADMIN, '--admin-iam']);
    const [[created]] = await admin().query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM mysql.user WHERE User IN ('checkout_api', 'ledger_ro')");

    // Assess
    expect(planned.stderr).not.toContain('RDS_IAM');
    expect(planned.exitCode).toBe(2);
    expect(planned.stdout).toContain("GRANT INSERT, SELECT ON `checkout`.* TO 'checkout_api'@'%';");
    expect(applied).toMatchObject({ exitCode: 0, stdout: planned.stdout });
    expect(again).toMatchObject({ exitCode: 0, stdout: '' });
    expect(Number(created.n)).toBe(2);
  });

  it("logs in as the IAM admin a stack's provisioner names (adminUser), with no login flag at all", async () => {
    // Prepare
    const adminStack = mkdtempSync(join(tmpdir(), 'rds-iam-consumer-assembly-'));
    synthesizeConsumerStack(adminStack, engine, ADMIN);

    // Act
    const planned = await runInProcess([
      'plan', '--stack', 'Fixture', '--app', adminStack,
      '--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile, '--region', emulator().region,
    ]);
    rmSync(adminStack, { recursive: true, force: true });

    // Assess: applied by the first test, so nothing to do; a password login would have needed --password-env.
    expect(planned.stderr).not.toContain('RDS_IAM');
    expect(planned).toMatchObject({ exitCode: 0, stdout: '' });
    expect(planned.stderr).toContain(`stack Fixture at localhost:${emulator().port}: no changes`);
  });

  it('says what a refused admin token needs, and refuses --admin-iam without --admin-user or with a password source', async () => {
    // Act
    const unknown = await run('plan', ['--admin-user', 'no_such_admin', '--admin-iam']);
    const noUser = await run('plan', ['--admin-iam']);
    const withPassword = await run('plan', ['--admin-user', ADMIN, '--admin-iam', '--password-env', PASSWORD_VARIABLE]);

    // Assess
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('the server refused the IAM token for no_such_admin: the identity that signed it needs rds-db:connect on dbuser:<cluster-… or db-… resource id>/no_such_admin, and the user must be IDENTIFIED WITH AWSAuthenticationPlugin');
    expect(unknown.stderr).not.toContain('X-Amz-');
    expect(noUser.exitCode).toBe(1);
    expect(noUser.stderr).toContain('which admin user? give --admin-user <name> with --admin-iam');
    expect(withPassword.exitCode).toBe(1);
    expect(withPassword.stderr).toContain('--admin-iam logs in with an IAM token: give it without --password-env and --secret-arn');
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

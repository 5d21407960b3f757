import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { environmentUserSpecs, getEnvironment } from '../../app/environments';
import { describeEachEngine, useEmulator } from '../support/emulator';
import { useMasterSession, PASSWORD_VARIABLE } from './master-session-fixture';
import { runInProcess } from './in-process-cli';
import { cleanAwsEnvironment, runBuiltCli } from './run-built-cli';
import { rmSync } from 'node:fs';
import { environmentsAssemblyDirectory } from '../support/synth-stacks';

const rds = mockClient(RDSClient);
const secretsManager = mockClient(SecretsManagerClient);
const ENVIRONMENT = 'dev';
const declaredUsers = environmentUserSpecs(getEnvironment(ENVIRONMENT));
const driftedUser = declaredUsers[0].username;

/** The environments' cloud assembly, as `npx cdk synth` writes it: `--env` names a stack of it (`--app`). */
let assembly: string;
beforeAll(() => {
  assembly = environmentsAssemblyDirectory([getEnvironment(ENVIRONMENT)]);
});
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

describeEachEngine('plan and apply', (engine) => {
  const emulator = useEmulator({ engine });
  const admin = useMasterSession(emulator);

  // The AWS mocks are the file's; each engine's run starts with no recorded calls.
  beforeAll(() => {
    rds.reset();
    secretsManager.reset();
  });

  /** `plan` or `apply` against the emulator, with the master password from an environment variable. */
  function runAgainstEmulator(command: 'plan' | 'apply') {
    return runInProcess([
      command, '--env', ENVIRONMENT, '--app', assembly,
      '--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile,
      '--admin-user', emulator().adminUser, '--password-env', PASSWORD_VARIABLE,
    ]);
  }

  describe('rds-iam plan and apply', () => {
    it('apply creates the declared users, then plan finds nothing to do', async () => {
      const applied = await runAgainstEmulator('apply');
      const planned = await runAgainstEmulator('plan');

      expect(applied.exitCode).toBe(0);
      for (const user of declaredUsers) {
        expect(applied.stdout).toMatch(new RegExp(`^CREATE USER (IF NOT EXISTS )?'${user.username}'@'%' IDENTIFIED (WITH|VIA) AWSAuthenticationPlugin`, 'm'));
      }
      expect(planned).toMatchObject({ exitCode: 0, stdout: '' });
      expect(planned.stderr).toContain(`environment ${ENVIRONMENT} at localhost:${emulator().port}: no changes`);
    });

    it('shows a hand-made grant as drift with exit code 2, apply removes it, and plan is then clean', async () => {
      // Prepare: someone grants by hand, outside the declaration.
      await runAgainstEmulator('apply');
      await admin().query("GRANT CREATE VIEW ON drift_db.* TO ?@'%'", [driftedUser]);

      // Act
      const drift = await runAgainstEmulator('plan');
      const grantsAfterPlan = await admin().query(`SHOW GRANTS FOR ?@'%'`, [driftedUser]);
      const applied = await runAgainstEmulator('apply');
      const clean = await runAgainstEmulator('plan');

      // Assess
      expect(drift.exitCode).toBe(2);
      expect(drift.stdout).toBe(`REVOKE CREATE VIEW ON \`drift_db\`.* FROM '${driftedUser}'@'%';\n`);
      expect(drift.stderr).toContain('1 statement(s) to reach the declaration (1 revoke)');
      expect(JSON.stringify(grantsAfterPlan[0])).toContain('drift_db');
      expect(applied).toMatchObject({ exitCode: 0, stdout: drift.stdout });
      expect(clean).toMatchObject({ exitCode: 0, stdout: '' });
    });

    it('plans to recreate a user dropped by hand and to restore REQUIRE SSL', async () => {
      await runAgainstEmulator('apply');
      const [dropped, loosened] = [declaredUsers[0].username, declaredUsers[1].username];
      await admin().query("DROP USER ?@'%'", [dropped]);
      await admin().query("ALTER USER ?@'%' REQUIRE NONE", [loosened]);

      const drift = await runAgainstEmulator('plan');

      expect(drift.exitCode).toBe(2);
      expect(drift.stdout).toMatch(new RegExp(`^CREATE USER (IF NOT EXISTS )?'${dropped}'@'%'`, 'm'));
      expect(drift.stdout).toContain(`ALTER USER '${loosened}'@'%' REQUIRE SSL;`);
      await runAgainstEmulator('apply');
    });

    it('exits with code 2 from the built binary when there is drift, so CI can gate on it', async () => {
      await runAgainstEmulator('apply');
      await admin().query("GRANT CREATE VIEW ON drift_db.* TO ?@'%'", [driftedUser]);

      const run = await runBuiltCli(
        [
          'plan', '--env', ENVIRONMENT, '--app', assembly, '--hostname', emulator().endpointHost, '--port', String(emulator().port),
          '--ca', emulator().caFile, '--admin-user', emulator().adminUser, '--password-env', PASSWORD_VARIABLE,
        ],
        { env: cleanAwsEnvironment({ [PASSWORD_VARIABLE]: emulator().adminPassword }) },
      );

      expect(run.exitCode).toBe(2);
      expect(run.stdout).toContain('REVOKE CREATE VIEW ON `drift_db`.*');
      expect(`${run.stdout}${run.stderr}`).not.toContain(emulator().adminPassword);
      await runAgainstEmulator('apply');
    });

    it('reads the master credentials from the RDS-managed secret found through DescribeDBClusters', async () => {
      // Prepare: the environment's cluster is found by its stack tag; its secret is answered by the mock.
      const secretArn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!cluster-abc-123456';
      rds.on(DescribeDBClustersCommand).resolves({
        DBClusters: [{
          DBClusterIdentifier: 'rdsiammysql-dev', Endpoint: emulator().endpointHost, Port: emulator().port, Engine: 'aurora-mysql',
          IAMDatabaseAuthenticationEnabled: true, MasterUsername: emulator().adminUser, MasterUserSecret: { SecretArn: secretArn },
          TagList: [{ Key: 'aws:cloudformation:stack-name', Value: `RdsIamMysql-${ENVIRONMENT}` }],
        }],
      });
      secretsManager.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({
        SecretString: JSON.stringify({ username: emulator().adminUser, password: emulator().adminPassword }),
      });
      await runAgainstEmulator('apply');

      // Act
      // (The deployed user set, read from CloudFormation by default here, is covered in plan-deployed-state.test.ts.)
      const planned = await runInProcess(['plan', '--env', ENVIRONMENT, '--app', assembly, '--ca', emulator().caFile, '--deployed-state', 'none']);

      // Assess
      expect(planned).toMatchObject({ exitCode: 0, stdout: '' });
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      expect(planned.stderr).not.toContain(emulator().adminPassword);
    });

    it('says how to give master credentials when none can be found, and changes nothing', async () => {
      const run = await runInProcess([
        'plan', '--env', ENVIRONMENT, '--app', assembly, '--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile,
      ]);

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('no master credentials');
      expect(run.stderr).toContain('--password-env <VARIABLE>');
    });
  });
});

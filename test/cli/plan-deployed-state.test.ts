/**
 * `plan` and `apply` take the previous user set from what is deployed, as the provisioner Lambda does at the next
 * deploy: users deployed before and no longer declared are dropped (or kept, when retained).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CloudFormationServiceException, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PROVISIONER_RESOURCE_TYPE } from '../../lib/constructs/database-user-provisioner';
import { environmentStackName, environmentUserSpecs, getEnvironment, type EnvironmentConfig } from '../../app/environments';
import { encodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { IamDatabaseStack } from '../../app/stacks/iam-database-stack';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { createIamUser, describeEachEngine, useEmulator } from '../support/emulator';
import { environmentsAssemblyDirectory, SKIP_BUNDLING_CONTEXT, TEST_APP_PROPS } from '../support/synth-stacks';
import { useMasterSession, PASSWORD_VARIABLE } from './master-session-fixture';
import { runInProcess } from './in-process-cli';
import { userSpec } from '../support/user-specs';
import { rmSync } from 'node:fs';

const rds = mockClient(RDSClient);
const cloudFormation = mockClient(CloudFormationClient);
const ENVIRONMENT = getEnvironment('dev');
const STACK = environmentStackName(ENVIRONMENT);
const declaredUsers = environmentUserSpecs(ENVIRONMENT);

/** The environments' cloud assembly, as `npx cdk synth` writes it: `--env` names a stack of it (`--app`). */
let assembly: string;
beforeAll(() => {
  assembly = environmentsAssemblyDirectory([ENVIRONMENT]);
});
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

/** Deployed by an earlier version of the declaration, removed from it since. */
const REMOVED_USER: DatabaseUserSpec = userSpec('old_reporting', { grants: [{ on: 'orders.*', privileges: ['SELECT'] }] });
/** Removed from the declaration too, but declared with `retain`. */
const REMOVED_RETAINED_USER: DatabaseUserSpec = { ...REMOVED_USER, username: 'old_batch', removalPolicy: 'retain' };
const REMOVED_USERNAMES = [REMOVED_USER.username, REMOVED_RETAINED_USER.username];

describeEachEngine('plan and apply with the deployed state', (engine) => {
  const emulator = useEmulator({ engine });
  const admin = useMasterSession(emulator);

  beforeEach(async () => {
    rds.reset();
    cloudFormation.reset();
    // The environment's cluster, found by its stack tag, is the emulator.
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{
        DBClusterIdentifier: 'rdsiammysql-dev', Endpoint: emulator().endpointHost, Port: emulator().port, Engine: 'aurora-mysql',
        IAMDatabaseAuthenticationEnabled: true, MasterUsername: emulator().adminUser,
        TagList: [{ Key: 'aws:cloudformation:stack-name', Value: STACK }],
      }],
    });
    // Every test starts from the declared users in place and the removed ones still on the server, as the last
    // deploy left them.
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: deployedTemplate(declaredUsers) });
    expect((await runOnAws('apply')).exitCode).toBe(0);
    for (const username of REMOVED_USERNAMES) {
      await admin().query("DROP USER IF EXISTS ?@'%'", [username]);
      await createIamUser(admin(), username);
    }
    cloudFormation.reset();
    rds.resetHistory();
  });

  /** A template as GetTemplate returns it: only the provisioner resource matters here. */
  function deployedTemplate(users: readonly DatabaseUserSpec[]): string {
    return JSON.stringify({
      Resources: {
        UserProvisionerUsers19E2A3D5: {
          Type: PROVISIONER_RESOURCE_TYPE,
          Properties: { ServiceToken: { 'Fn::GetAtt': ['OnEvent', 'Arn'] }, Engine: 'mysql', Users: encodeUserSpecs(users) },
          Metadata: { 'aws:cdk:path': `${STACK}/UserProvisioner/Users/Default` },
        },
      },
    });
  }

  /** `plan` or `apply` on the environment's database as found through the RDS API (mocked to be the emulator). */
  function runOnAws(command: 'plan' | 'apply', ...extra: string[]) {
    return runInProcess([
      command, '--env', ENVIRONMENT.name, '--app', assembly, '--ca', emulator().caFile,
      '--admin-user', emulator().adminUser, '--password-env', PASSWORD_VARIABLE, ...extra,
    ]);
  }

  /** `plan` or `apply` on the emulator named by --hostname: a server outside CloudFormation. */
  function runOnHostname(command: 'plan' | 'apply', ...extra: string[]) {
    return runInProcess([
      command, '--env', ENVIRONMENT.name, '--app', assembly,
      '--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile,
      '--admin-user', emulator().adminUser, '--password-env', PASSWORD_VARIABLE, ...extra,
    ]);
  }

  async function existingUsers(usernames: readonly string[]): Promise<string[]> {
    const [rows] = await admin().query('SELECT User AS username FROM mysql.user WHERE User IN (?) ORDER BY User', [usernames]);
    return (rows as { username: string }[]).map((row) => row.username);
  }

  function awsError(name: string, message: string): CloudFormationServiceException {
    return new CloudFormationServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
  }

  describe('rds-iam plan and apply with the deployed user set', () => {
    it('plans DROP USER for a deployed user no longer declared (exit 2), keeps a retained one, and apply drops it', async () => {
      // Prepare: the stack still carries the two removed users.
      cloudFormation
        .on(GetTemplateCommand)
        .resolves({ TemplateBody: deployedTemplate([...declaredUsers, REMOVED_USER, REMOVED_RETAINED_USER]) });

      // Act
      const planned = await runOnAws('plan');
      const usersAfterPlan = await existingUsers(REMOVED_USERNAMES);
      const applied = await runOnAws('apply');
      const replanned = await runOnAws('plan');

      // Assess
      expect(planned.exitCode).toBe(2);
      expect(planned.stdout).toBe(`DROP USER IF EXISTS '${REMOVED_USER.username}'@'%';\n`);
      expect(planned.stderr).toContain(`deployed state: ${declaredUsers.length + 2} user(s) in stack ${STACK} (${ENVIRONMENT.region})`);
      expect(planned.stderr).toContain('1 statement(s) to reach the declaration (1 drop)');
      expect(planned.stderr).toContain(`kept (removalPolicy retain): ${REMOVED_RETAINED_USER.username}`);
      expect(usersAfterPlan).toEqual([...REMOVED_USERNAMES].sort());
      expect(applied).toMatchObject({ exitCode: 0, stdout: planned.stdout });
      expect(await existingUsers(REMOVED_USERNAMES)).toEqual([REMOVED_RETAINED_USER.username]);
      expect(replanned).toMatchObject({ exitCode: 0, stdout: '' });
      expect(cloudFormation.commandCalls(GetTemplateCommand).map((call) => call.args[0].input)).toEqual(
        Array(3).fill({ StackName: STACK, TemplateStage: 'Original' }),
      );
    });

    it('takes a stack that does not exist for nothing deployed: no user is dropped, and says so', async () => {
      cloudFormation.on(GetTemplateCommand).rejects(awsError('ValidationError', `Stack with id ${STACK} does not exist`));

      const planned = await runOnAws('plan');

      expect(planned).toMatchObject({ exitCode: 0, stdout: '' });
      expect(planned.stderr).toContain(`deployed state: stack ${STACK} does not exist in ${ENVIRONMENT.region}`);
      expect(planned.stderr).toContain('nothing is deployed yet');
      expect(await existingUsers(REMOVED_USERNAMES)).toEqual([...REMOVED_USERNAMES].sort());
    });

    it.each([
      [
        'access denied',
        awsError('AccessDenied', `User: arn:aws:sts::111111111111:assumed-role/dev/me is not authorized to perform: cloudformation:GetTemplate`),
        'RDS_IAM_CLI_DEPLOYED_STATE_ACCESS_DENIED',
        `access denied to cloudformation:GetTemplate: plan and apply need cloudformation:GetTemplate on stack ${STACK}`,
      ],
      [
        'no credentials',
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
        'RDS_IAM_CLI_DEPLOYED_STATE_NO_CREDENTIALS',
        `no valid AWS credentials (CredentialsProviderError): plan and apply need cloudformation:GetTemplate on stack ${STACK}`,
      ],
    ])('fails with exit code 1 on %s, naming the stack, the permission and the flag to skip, before touching the database', async (_case, error, code, message) => {
      // Prepare: drift that apply would remove.
      await admin().query("GRANT CREATE VIEW ON drift_db.* TO ?@'%'", [declaredUsers[0].username]);
      cloudFormation.on(GetTemplateCommand).rejects(error);

      // Act
      const applied = await runOnAws('apply');

      // Assess
      expect(applied.exitCode).toBe(1);
      expect(applied.stdout).toBe('');
      expect(applied.stderr).toContain(message);
      expect(applied.stderr).toContain(`[${code}]`);
      expect(applied.stderr).toContain('--deployed-state none');
      expect(rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(0);
      const [grants] = await admin().query("SHOW GRANTS FOR ?@'%'", [declaredUsers[0].username]);
      expect(JSON.stringify(grants)).toContain('drift_db');
      await admin().query("REVOKE CREATE VIEW ON drift_db.* FROM ?@'%'", [declaredUsers[0].username]);
    });

    it('refuses a deployed Users property that is not a literal string, naming the resource', async () => {
      const template = JSON.parse(deployedTemplate(declaredUsers));
      template.Resources.UserProvisionerUsers19E2A3D5.Properties.Users = { Ref: 'UsersParameter' };
      cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(template) });

      const planned = await runOnAws('plan');

      expect(planned).toMatchObject({ exitCode: 1, stdout: '' });
      expect(planned.stderr).toContain(
        `the deployed template of stack ${STACK}: resource UserProvisionerUsers19E2A3D5 (${PROVISIONER_RESOURCE_TYPE}) has property Users = {"Ref":"UsersParameter"}, not a literal string`,
      );
    });

    it('reads nothing from CloudFormation for a --hostname server, unless told to', async () => {
      cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: deployedTemplate([...declaredUsers, REMOVED_USER]) });

      const outside = await runOnHostname('plan');
      const callsForOutside = cloudFormation.commandCalls(GetTemplateCommand).length;
      const told = await runOnHostname('plan', '--deployed-state', 'cloudformation');

      expect(outside).toMatchObject({ exitCode: 0, stdout: '' });
      expect(outside.stderr).toContain('deployed state: none, as --hostname names a server outside CloudFormation');
      expect(callsForOutside).toBe(0);
      expect(told).toMatchObject({ exitCode: 2, stdout: `DROP USER IF EXISTS '${REMOVED_USER.username}'@'%';\n` });
    });
  });

  describe('rds-iam plan --deployed-state FILE', () => {
    let directory: string;

    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'rds-iam-deployed-state-'));
    });

    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    /** What `npx cdk synth` writes for this declaration (the Lambda is not bundled: only the template matters). */
    async function synthesizedTemplateFile(environment: EnvironmentConfig, fileName: string): Promise<string> {
      const app = new App({ ...TEST_APP_PROPS, context: { ...SKIP_BUNDLING_CONTEXT, 'aws:cdk:enable-path-metadata': true } });
      const stack = new IamDatabaseStack(app, environmentStackName(environment), { environmentConfig: environment });
      const path = join(directory, fileName);
      await writeFile(path, JSON.stringify(Template.fromStack(stack).toJSON(), null, 1));
      return path;
    }

    it('compares the declaration with a synthesized template, offline: what main synthesizes vs this change', async () => {
      // Prepare: "main" still declares the removed user; this change does not.
      const main: EnvironmentConfig = {
        ...ENVIRONMENT,
        users: [...ENVIRONMENT.users, { username: REMOVED_USER.username, grants: REMOVED_USER.grants }],
      };
      const mainTemplate = await synthesizedTemplateFile(main, `${STACK}.template.json`);

      // Act
      const planned = await runOnHostname('plan', '--deployed-state', mainTemplate);

      // Assess
      expect(planned.exitCode).toBe(2);
      expect(planned.stdout).toBe(`DROP USER IF EXISTS '${REMOVED_USER.username}'@'%';\n`);
      expect(planned.stderr).toContain(`deployed state: ${main.users.length} user(s) from template file ${mainTemplate}`);
      expect(cloudFormation.commandCalls(GetTemplateCommand)).toHaveLength(0);
    });

    it('refuses a missing file and a template synthesized for another environment, with the file to give instead', async () => {
      const otherEnvironment = await synthesizedTemplateFile(getEnvironment('staging'), 'staging.template.json');

      const missing = await runOnHostname('plan', '--deployed-state', join(directory, 'absent.json'));
      const mismatched = await runOnHostname('plan', '--deployed-state', otherEnvironment);

      expect(missing.exitCode).toBe(1);
      expect(missing.stderr).toContain(`--deployed-state ${join(directory, 'absent.json')}: cannot read that file (ENOENT)`);
      expect(missing.stderr).toContain(`cdk.out/${STACK}.template.json`);
      expect(mismatched.exitCode).toBe(1);
      expect(mismatched.stderr).toContain(`was synthesized for stack ${environmentStackName(getEnvironment('staging'))}, not ${STACK}`);
    });
  });
});

import { DBProxyNotFoundFault, DescribeDBProxiesCommand, RDSClient, type DBProxy } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import type { Connection } from 'mysql2/promise';
import { connectAsAdmin, createIamUser, describeEachEngine, useEmulator } from '../support/emulator';
import { PROXY_ENDPOINT_HOST, useEmulatorProxy } from '../support/emulator-proxy';
import { emulatorCredentialsEnvironment, runInProcess, setEnvironment } from './in-process-cli';
import { rmSync } from 'node:fs';
import { getEnvironment } from '../../app/environments';
import { environmentsAssemblyDirectory } from '../support/synth-stacks';

const rds = mockClient(RDSClient);
const USER = 'app_rw';

/** The environments' cloud assembly, as `npx cdk synth` writes it: `--env` names a stack of it (`--app`). */
let assembly: string;
beforeAll(() => {
  assembly = environmentsAssemblyDirectory([getEnvironment('dev'), getEnvironment('staging')]);
});
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

describeEachEngine('rds-iam connect --proxy', (engine) => {
  /** eu-west-1: the region of the dev environment and of the proxy's endpoint name. */
  const emulator = useEmulator({ engine, region: 'eu-west-1' });
  const proxy = useEmulatorProxy(emulator);

  let admin: Connection;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    admin = await connectAsAdmin(emulator());
    await createIamUser(admin, USER);
    // The default credential chain of the CLI signs with the emulator's test credentials.
    restoreEnvironment = setEnvironment(emulatorCredentialsEnvironment(emulator()));
  });

  afterAll(async () => {
    restoreEnvironment?.();
    await admin?.end();
  });

  beforeEach(() => rds.reset());

  /** A proxy as DescribeDBProxies returns one with end-to-end IAM authentication. */
  function describedProxy(overrides: Partial<DBProxy> = {}): DBProxy {
    return {
      DBProxyName: 'orders-dev-proxy',
      DBProxyArn: 'arn:aws:rds:eu-west-1:111111111111:db-proxy:prx-0f3c9a1b2d4e5f607',
      Status: 'available',
      EngineFamily: 'MYSQL',
      Endpoint: PROXY_ENDPOINT_HOST,
      RequireTLS: true,
      DefaultAuthScheme: 'IAM_AUTH',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      ...overrides,
    };
  }

  /** Through the proxy's loopback address, verified against its CA; the token is signed for its endpoint. */
  const throughProxy = () => ['--via', `${proxy().host}:${proxy().port}`, '--ca', proxy().caFile, '--username', USER];

  describe('in front of the emulator', () => {
    it('finds the proxy endpoint through DescribeDBProxies and logs in through it', async () => {
      // Prepare
      rds.on(DescribeDBProxiesCommand, { DBProxyName: 'orders-dev-proxy' }).resolves({ DBProxies: [describedProxy()] });
      const accepted = proxy().counts().accepted;

      // Act
      const run = await runInProcess(['connect', '--proxy', 'orders-dev-proxy', '--region', 'eu-west-1', ...throughProxy(), '-e', 'SELECT CURRENT_USER() AS who']);

      // Assess
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`| ${USER}@% |`);
      expect(run.exitCode).toBe(0);
      expect(proxy().counts().accepted).toBe(accepted + 1);
      expect(rds.commandCalls(DescribeDBProxiesCommand)).toHaveLength(1);
    });

    it("takes the proxy name and region of --env's declared proxy", async () => {
      rds.on(DescribeDBProxiesCommand, { DBProxyName: 'orders-dev-proxy' }).resolves({ DBProxies: [describedProxy()] });

      const run = await runInProcess(['connect', '--env', 'dev', '--app', assembly, '--proxy', ...throughProxy(), '-e', 'SELECT 6 * 7 AS answer']);

      expect(run.stdout).toContain('| 42     |');
      expect(run.exitCode).toBe(0);
      expect(rds.commandCalls(DescribeDBProxiesCommand)[0].args[0].input).toEqual({ DBProxyName: 'orders-dev-proxy' });
    });

    it('prints the client command for the proxy: its address, its CA, the token redacted', async () => {
      rds.on(DescribeDBProxiesCommand).resolves({ DBProxies: [describedProxy()] });

      const run = await runInProcess(['connect', '--proxy', 'orders-dev-proxy', '--region', 'eu-west-1', ...throughProxy(), '--client', 'mariadb', '--print-command']);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toBe(
        `MYSQL_PWD='<redacted IAM token>' mariadb --host=${proxy().host} --port=${proxy().port} --user=${USER} --protocol=TCP --ssl-ca=${proxy().caFile}\n`,
      );
    });

    it.each<[string, () => void, readonly string[], string]>([
      [
        'a proxy that does not exist',
        () => rds.on(DescribeDBProxiesCommand).rejects(new DBProxyNotFoundFault({ message: 'DBProxy nope not found.', $metadata: {} })),
        ['--proxy', 'nope'],
        'found no DB proxy "nope" in this account and region (is the stack that declares it deployed, and is --region the right one?) [RDS_IAM_DATABASE_NOT_FOUND]',
      ],
      [
        'a proxy that takes no IAM tokens',
        () => rds.on(DescribeDBProxiesCommand).resolves({ DBProxies: [describedProxy({ DefaultAuthScheme: 'NONE', Auth: [{ AuthScheme: 'SECRETS', IAMAuth: 'DISABLED' }] })] }),
        ['--proxy', 'orders-dev-proxy'],
        'aws rds modify-db-proxy --db-proxy-name orders-dev-proxy --default-auth-scheme IAM_AUTH',
      ],
      [
        'a proxy of PostgreSQL databases',
        () => rds.on(DescribeDBProxiesCommand).resolves({ DBProxies: [describedProxy({ EngineFamily: 'POSTGRESQL' })] }),
        ['--proxy', 'orders-dev-proxy'],
        'DB proxy "orders-dev-proxy" fronts POSTGRESQL databases',
      ],
      [
        'a proxy still being created',
        () => rds.on(DescribeDBProxiesCommand).resolves({ DBProxies: [describedProxy({ Endpoint: undefined, Status: 'creating' })] }),
        ['--proxy', 'orders-dev-proxy'],
        'found no endpoint for DB proxy "orders-dev-proxy" (status creating): is it still being created?',
      ],
      ['a name RDS would not accept', () => undefined, ['--proxy', 'orders--proxy'], '"orders--proxy" is not a DB proxy name'],
      ['--proxy with --cluster', () => undefined, ['--proxy', 'orders-dev-proxy', '--cluster', 'orders'], 'give --proxy or one of --hostname, --cluster and --instance, not both'],
      ['--proxy with --reader', () => undefined, ['--proxy', 'orders-dev-proxy', '--reader'], 'a proxy has one endpoint'],
      ['--env without a declared proxy', () => undefined, ['--env', 'staging', '--proxy'], 'environment staging declares no proxy; give its name: --proxy <name>'],
      ['--proxy without a name or --env', () => undefined, ['--proxy'], 'which proxy? give --proxy <name>'],
    ])('refuses %s with a clear error, and connects nowhere', async (_label, answer, flags, message) => {
      answer();
      const accepted = proxy().counts().accepted;

      const run = await runInProcess(['connect', ...flags, '--app', assembly, '--region', 'eu-west-1', ...throughProxy(), '-e', 'SELECT 1']);

      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(message);
      expect(proxy().counts().accepted).toBe(accepted);
    });
  });
});

import { DBClusterNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import type { Connection } from 'mysql2/promise';
import { connectAsAdmin, createIamUser, describeEachEngine, useEmulator } from '../support/emulator';
import { emulatorCredentialsEnvironment, setEnvironment, runInProcess } from './in-process-cli';
import { cleanAwsEnvironment, runBuiltCli } from './run-built-cli';
import { rmSync } from 'node:fs';
import { getEnvironment } from '../../app/environments';
import { environmentsAssemblyDirectory } from '../support/synth-stacks';

const rds = mockClient(RDSClient);
const USER = 'app_cli';

/** The environments' cloud assembly, as `npx cdk synth` writes it: `--env` names a stack of it (`--app`). */
let assembly: string;
beforeAll(() => {
  assembly = environmentsAssemblyDirectory([getEnvironment('dev')]);
});
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

describeEachEngine('rds-iam connect', (engine) => {
  const emulator = useEmulator({ engine });
  let admin: Connection;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    admin = await connectAsAdmin(emulator());
    await createIamUser(admin, USER);
    await admin.query('CREATE DATABASE shop');
    await admin.query('CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40), shipped DATE NULL)');
    await admin.query("INSERT INTO shop.orders VALUES (1, 'teapot', '2024-05-01'), (2, 'kettle', NULL)");
    await admin.query("GRANT SELECT, INSERT ON shop.* TO ?@'%'", [USER]);
    // The default credential chain of the CLI signs with the emulator's test credentials.
    restoreEnvironment = setEnvironment(emulatorCredentialsEnvironment(emulator()));
  });

  afterAll(async () => {
    restoreEnvironment?.();
    await admin?.end();
  });

  beforeEach(() => rds.reset());

  /** A cluster as DescribeDBClusters returns it, pointing at the emulator. */
  function emulatorCluster(overrides: Record<string, unknown> = {}) {
    return {
      DBClusterIdentifier: 'orders',
      Endpoint: emulator().endpointHost,
      ReaderEndpoint: emulator().endpointHost,
      Port: emulator().port,
      Engine: 'aurora-mysql',
      IAMDatabaseAuthenticationEnabled: true,
      ...overrides,
    };
  }

  const emulatorFlags = () => ['--region', emulator().region, '--ca', emulator().caFile, '--username', USER];

  describe('rds-iam connect --execute', () => {
    it('finds the cluster through DescribeDBClusters and prints the rows as a table', async () => {
      // Prepare
      rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders' }).resolves({ DBClusters: [emulatorCluster()] });

      // Act
      const run = await runInProcess(['connect', '--cluster', 'orders', ...emulatorFlags(), '--execute', 'SELECT id, item, shipped FROM shop.orders ORDER BY id']);

      // Assess
      expect(run).toEqual({
        exitCode: 0,
        stderr: '',
        stdout: [
          '+----+--------+------------+',
          '| id | item   | shipped    |',
          '+----+--------+------------+',
          '| 1  | teapot | 2024-05-01 |',
          '| 2  | kettle | NULL       |',
          '+----+--------+------------+',
          '2 rows in set',
          '',
        ].join('\n'),
      });
      expect(rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(1);
    });

    it('finds an instance through DescribeDBInstances and reports rows changed by a statement', async () => {
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'shop' }).resolves({
        DBInstances: [{ DBInstanceIdentifier: 'shop', Endpoint: { Address: emulator().endpointHost, Port: emulator().port }, Engine: 'mariadb', IAMDatabaseAuthenticationEnabled: true }],
      });

      const run = await runInProcess(['connect', '--instance', 'shop', ...emulatorFlags(), '--database', 'shop', '-e', "INSERT INTO orders VALUES (3, 'cup', NULL)"]);

      expect(run).toEqual({ exitCode: 0, stderr: '', stdout: 'Query OK, 1 row affected\n' });
    });

    it("finds a new environment's cluster by its CloudFormation stack tag", async () => {
      rds.on(DescribeDBClustersCommand).resolves({
        DBClusters: [
          emulatorCluster({ DBClusterIdentifier: 'someone-else', Endpoint: 'other.cluster-x.eu-west-1.rds.amazonaws.com', TagList: [{ Key: 'aws:cloudformation:stack-name', Value: 'Other' }] }),
          emulatorCluster({ DBClusterIdentifier: 'rdsiammysql-dev-cluster', TagList: [{ Key: 'aws:cloudformation:stack-name', Value: 'RdsIamMysql-dev' }] }),
        ],
      });

      const run = await runInProcess(['connect', '--env', 'dev', '--app', assembly, ...emulatorFlags(), '-e', 'SELECT CURRENT_USER() AS who']);

      expect(run.stdout).toContain(`| ${USER}@% |`);
      expect(run.exitCode).toBe(0);
    });

    it('refuses a database with IAM authentication off, giving the command that turns it on', async () => {
      rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [emulatorCluster({ IAMDatabaseAuthenticationEnabled: false })] });

      const run = await runInProcess(['connect', '--cluster', 'orders', ...emulatorFlags(), '-e', 'SELECT 1']);

      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('DB cluster "orders" has IAM database authentication turned off');
      expect(run.stderr).toContain('aws rds modify-db-cluster --db-cluster-identifier orders --enable-iam-database-authentication');
      expect(run.stderr).toContain('[RDS_IAM_AUTH_DISABLED]');
    });

    it('says when no cluster has that identifier', async () => {
      rds.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: 'DBCluster nope not found.', $metadata: {} }));

      const run = await runInProcess(['connect', '--cluster', 'nope', ...emulatorFlags(), '-e', 'SELECT 1']);

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('found no DB cluster "nope" in this account and region (is it an instance rather than a cluster?) [RDS_IAM_DATABASE_NOT_FOUND]');
    });

    it('prints a server error as one line with its code, and no token', async () => {
      rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [emulatorCluster()] });

      const run = await runInProcess(['connect', '--cluster', 'orders', ...emulatorFlags(), '-e', 'SELECT * FROM mysql.user']);

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/^rds-iam connect: SELECT command denied to user 'app_cli'.*\[ER_TABLEACCESS_DENIED_ERROR\]\n$/);
      expect(`${run.stdout}${run.stderr}`).not.toContain('X-Amz-');
    });

    it('explains a refused token with what RDS checks, for the cluster it found (code RDS_IAM_LOGIN_REFUSED)', async () => {
      rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [emulatorCluster()] });

      // Signed in another region than the server's: the user exists, the token is refused.
      const run = await runInProcess(['connect', '--cluster', 'orders', '--region', 'eu-west-3', '--ca', emulator().caFile, '--username', USER, '-e', 'SELECT 1']);

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^rds-iam connect: ${emulator().endpointHost}:${emulator().port} refused the IAM token for user "${USER}" \\(Access denied`));
      expect(run.stderr).toContain(`may not rds-db:connect on arn:aws:rds-db:eu-west-3:<account>:dbuser:`);
      expect(run.stderr).toMatch(/\[RDS_IAM_LOGIN_REFUSED\]\n/);
      expect(`${run.stdout}${run.stderr}`).not.toContain('X-Amz-');
    });
  });

  describe('rds-iam connect --print-command', () => {
    it('prints the client command with TLS verification on and the token redacted, and signs nothing', async () => {
      rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [emulatorCluster()] });

      const run = await runInProcess(['connect', '--cluster', 'orders', ...emulatorFlags(), '--database', 'shop', '--client', 'mariadb', '--print-command']);

      expect(run).toEqual({
        exitCode: 0,
        stderr: '',
        stdout:
          `MYSQL_PWD='<redacted IAM token>' mariadb --host=localhost --port=${emulator().port} --user=${USER} --protocol=TCP ` +
          `--ssl-ca=${emulator().caFile} --ssl-verify-server-cert --database=shop\n`,
      });
    });

    it("spells Oracle mysql's flags for a mysql client, and verifies only the chain through a tunnel", async () => {
      const run = await runInProcess([
        'connect', '--hostname', 'mydb.abc123.us-east-1.rds.amazonaws.com', '--username', 'app', '--via', '127.0.0.1:13306',
        '--client', 'mysql-from-oracle', '--print-command',
      ]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(
        /^MYSQL_PWD='<redacted IAM token>' mysql-from-oracle --host=127\.0\.0\.1 --port=13306 --user=app --protocol=TCP --ssl-ca=\S+rds-ca-bundle\.pem --ssl-mode=VERIFY_CA --enable-cleartext-plugin\n$/,
      );
      expect(run.stderr).toContain('cannot check that it names mydb.abc123.us-east-1.rds.amazonaws.com');
    });
  });

  describe('the built rds-iam connect', () => {
    const builtCliEnvironment = () =>
      cleanAwsEnvironment({ AWS_ACCESS_KEY_ID: emulator().accessKeyId, AWS_SECRET_ACCESS_KEY: emulator().secretAccessKey, AWS_REGION: emulator().region });

    it('opens the mariadb client with the token in its environment, and the client logs in over TLS', async () => {
      const run = await runBuiltCli(
        ['connect', '--hostname', emulator().endpointHost, '--port', String(emulator().port), '--ca', emulator().caFile, '--username', USER],
        { env: builtCliEnvironment(), input: "SELECT CURRENT_USER(); SHOW STATUS LIKE 'Ssl_version';\n" },
      );

      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`${USER}@%`);
      expect(run.stdout).toMatch(/Ssl_version\tTLSv1\.[23]/);
      expect(run.exitCode).toBe(0);
    });

    it('refuses a bare --hostname that is not an RDS endpoint, naming --via and --ca as the fixes', async () => {
      const run = await runBuiltCli(['connect', '--hostname', 'db.example.com', '--username', USER, '-e', 'SELECT 1'], { env: builtCliEnvironment() });

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('--hostname db.example.com is not an RDS endpoint name');
      expect(run.stderr).toContain('--via <host[:port]>');
      expect(run.stderr).toContain('--ca <file>');
    });
  });
});

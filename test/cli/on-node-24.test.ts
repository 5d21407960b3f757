import type { RowDataPacket } from 'mysql2/promise';
import { spawnSync } from 'node:child_process';
import { lambdaNodeBinary } from '../../lib/rehearsal/lambda-node-runtime';
import { connectWithToken, describeEachEngine, useEmulator, useIamUser } from '../support/emulator';
import { cleanAwsEnvironment, runBuiltCli } from './run-built-cli';

/**
 * The built `rds-iam` on Node.js 24, the Node the Lambda functions run and the one users move to (this machine's own
 * Node 20 is end of life, and AWS SDK versions from January 2027 need 22): the same package, a newer runtime, real
 * logins on both engines.
 */
const USER = 'app_node24';
let node24: string;
beforeAll(async () => {
  node24 = await lambdaNodeBinary();
});

it('runs on a Node.js 24 binary (the one the Lambda runtime has)', () => {
  const version = spawnSync(node24, ['--version'], { encoding: 'utf8' });

  expect(version.stdout).toMatch(/^v24\./);
});

describeEachEngine('the built rds-iam on Node.js 24', (engine) => {
  const emulator = useEmulator({ engine });
  useIamUser(emulator, USER);
  const signingEnvironment = () =>
    cleanAwsEnvironment({ AWS_ACCESS_KEY_ID: emulator().accessKeyId, AWS_SECRET_ACCESS_KEY: emulator().secretAccessKey, AWS_REGION: emulator().region });
  const endpointFlags = () => ['--hostname', emulator().endpointHost, '--port', String(emulator().port), '--username', USER];

  it('connect --execute logs in with an IAM token over verified TLS and prints the rows', async () => {
    // Act
    const run = await runBuiltCli(
      ['connect', ...endpointFlags(), '--ca', emulator().caFile, '--execute', 'SELECT CURRENT_USER() AS who'],
      { env: signingEnvironment(), node: node24 },
    );

    // Assess
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    // The account REQUIREs SSL (useIamUser), so the login itself proves TLS.
    expect(run.stdout).toMatch(new RegExp(`^\\| ${USER}@% +\\|$`, 'm'));
  });

  it('token prints a token the server accepts for that user', async () => {
    // Act
    const run = await runBuiltCli(['token', ...endpointFlags()], { env: signingEnvironment(), node: node24 });
    const connection = await connectWithToken(emulator(), USER, run.stdout.trim());
    let who: string;
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT CURRENT_USER() AS who');
      who = String(rows[0].who);
    } finally {
      await connection.end();
    }

    // Assess
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^[^\s]+\?Action=connect&DBUser=app_node24&X-Amz-Algorithm=AWS4-HMAC-SHA256&/);
    expect(who).toBe(`${USER}@%`);
  });
});

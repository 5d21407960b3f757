import { summarizeAuthToken } from '../../lib/client/auth-token-format';
import { libfaketimePath } from '../support/server-clock';
import { BUILT_CLI, cleanAwsEnvironment, runBuiltCli, runProgram } from './run-built-cli';

/** AWS CLI v2 from the Debian package (the `aws` on PATH may be another install). */
const AWS_CLI = '/usr/bin/aws';
const FROZEN_AT = '2024-05-01 12:00:00';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/**
 * Runs a program with the wall clock frozen at FROZEN_AT (an absolute FAKETIME: a frozen, not a running, clock).
 * libfaketime is preloaded directly: the `faketime` wrapper keeps a semaphore per process id in /dev/shm, and one
 * left by a killed process makes a later process with the same id fail with "sem_open: File exists".
 */
function frozen(program: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  return runProgram(program, args, { env: { ...env, LD_PRELOAD: libfaketimePath(), FAKETIME: FROZEN_AT } });
}

describe('rds-iam token', () => {
  it.each([
    ['an instance endpoint', 'mydb.abc123xyz.us-east-1.rds.amazonaws.com', '3306', 'app', {}],
    ['a cluster endpoint, another port and temporary credentials', 'orders.cluster-abc123.eu-west-1.rds.amazonaws.com', '3307', 'app_rw', { AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLE/session+token==' }],
    ['a user name with $', 'mydb.abc123xyz.cn-north-1.rds.amazonaws.com.cn', '3306', 'svc$batch', {}],
  ])('prints exactly what aws rds generate-db-auth-token prints for %s', async (_case, hostname, port, username, extra) => {
    // Prepare
    const env = cleanAwsEnvironment({ ...CREDENTIALS, ...extra });
    const region = summarizeRegion(hostname);

    // Act
    const ours = await frozen(process.execPath, [BUILT_CLI, 'token', '--hostname', hostname, '--port', port, '--username', username, '--region', region], env);
    const aws = await frozen(AWS_CLI, ['rds', 'generate-db-auth-token', '--hostname', hostname, '--port', port, '--username', username, '--region', region], env);

    // Assess
    expect(aws.exitCode).toBe(0);
    expect(ours).toEqual({ exitCode: 0, stdout: aws.stdout, stderr: '' });
    expect(summarizeAuthToken(ours.stdout.trim())).toMatchObject({ host: hostname, port: Number(port), username, signedAt: new Date('2024-05-01T12:00:00Z') });
  });

  it('reads the region from the endpoint name when --region is left out', async () => {
    const env = cleanAwsEnvironment(CREDENTIALS);

    const run = await runBuiltCli(['token', '--hostname', 'mydb.abc123xyz.ap-southeast-2.rds.amazonaws.com', '--username', 'app'], { env });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F\d{8}%2Fap-southeast-2%2Frds-db%2Faws4_request/);
  });

  it('refuses an IP address, saying to sign for the endpoint name, and prints no token', async () => {
    const run = await runBuiltCli(['token', '--hostname', '10.1.2.3', '--username', 'app', '--region', 'us-east-1'], {
      env: cleanAwsEnvironment(CREDENTIALS),
    });

    expect(run).toMatchObject({ exitCode: 1, stdout: '' });
    expect(run.stderr).toContain('10.1.2.3 is an IP address');
    expect(run.stderr).toContain('[RDS_IAM_HOSTNAME_MISMATCH]');
  });

  it('fails with the fix when no credentials can be found, without a stack trace', async () => {
    const run = await runBuiltCli(['token', '--hostname', 'mydb.abc123xyz.us-east-1.rds.amazonaws.com', '--username', 'app']);

    expect(run).toMatchObject({ exitCode: 1, stdout: '' });
    expect(run.stderr).toContain('could not sign an IAM auth token for user "app"');
    expect(run.stderr).toContain('Fix: make AWS credentials available');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

function summarizeRegion(hostname: string): string {
  return /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.rds\./.exec(hostname)![1];
}

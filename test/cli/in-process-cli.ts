/**
 * Runs `rds-iam` inside the test process, so AWS clients can be answered by aws-sdk-client-mock, with stdout and
 * stderr captured.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CliContext } from '../../lib/cli/cli-context';
import { runCli } from '../../lib/cli/program';
import type { CliRun } from './run-built-cli';

/** Context overrides for one run. */
export interface InProcessOptions {
  /** Resolves when the run should act as if Ctrl-C was pressed. @default - never */
  readonly interrupted?: Promise<NodeJS.Signals>;
  /** Receives stdout as it is written (for long-running commands). */
  readonly onStdout?: (text: string) => void;
}

/** Runs the CLI with these arguments (without `rds-iam` itself). */
export async function runInProcess(args: readonly string[], options: InProcessOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(text);
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    env: process.env,
    createRdsClient: async (region) => new RDSClient({ region: region ?? 'us-east-1' }),
    createSecretsManagerClient: async (region) => new SecretsManagerClient({ region: region ?? 'us-east-1' }),
    createCloudFormationClient: async (region) => new CloudFormationClient({ region: region ?? 'us-east-1' }),
    createS3Client: async (region) => new S3Client({ region: region ?? 'us-east-1' }),
    untilInterrupted: () => options.interrupted ?? new Promise(() => undefined),
  };
  const exitCode = await runCli(['node', 'rds-iam', ...args], context);
  return { exitCode, stdout, stderr };
}

/** Sets environment variables for the duration of a test file; returns the restore function. */
export function setEnvironment(variables: Readonly<Record<string, string | undefined>>): () => void {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const apply = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(variables);
  return () => apply(saved);
}

/**
 * The environment in which the CLI's default credential chain signs with the emulator's test credentials and
 * nothing else (no profile, no config files, no instance metadata). Pass it to {@link setEnvironment}.
 */
export function emulatorCredentialsEnvironment(emulator: { readonly accessKeyId: string; readonly secretAccessKey: string }): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: emulator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RdsIamError, type RdsIamErrorCode } from '../errors/rds-iam-error';

/** Where a command writes, which environment it reads, and how it reaches AWS; tests replace any of them. */
export interface CliContext {
  /** Command output proper (a token, a table, SQL): safe to pipe. */
  readonly stdout: TextSink;
  /** Diagnostics and progress. */
  readonly stderr: TextSink;
  readonly env: NodeJS.ProcessEnv;
  /** Builds the RDS API client for a region and profile. */
  readonly createRdsClient: (region: string | undefined, profile: string | undefined) => Promise<RDSClient>;
  /** Builds the Secrets Manager client for a region and profile. */
  readonly createSecretsManagerClient: (region: string | undefined, profile: string | undefined) => Promise<SecretsManagerClient>;
  /** Builds the CloudFormation client (for the deployed user set of `plan` and `apply`) for a region and profile. */
  readonly createCloudFormationClient: (region: string | undefined, profile: string | undefined) => Promise<CloudFormationClient>;
  /** Builds the S3 client (for a deployed user set kept in an S3 object, `UsersObject`) for a region and profile. */
  readonly createS3Client: (region: string | undefined, profile: string | undefined) => Promise<S3Client>;
  /** Resolves when the user asks a long-running command to stop (Ctrl-C, SIGTERM). */
  readonly untilInterrupted: () => Promise<NodeJS.Signals>;
}

/** Anything text can be written to. */
export interface TextSink {
  write(text: string): unknown;
}

/** The context of a real run: the process's streams and environment, real AWS clients (loaded only when used). */
export function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    createRdsClient: async (region, profile) => {
      const { RDSClient } = await import('@aws-sdk/client-rds');
      return new RDSClient({ region, profile });
    },
    createSecretsManagerClient: async (region, profile) => {
      const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
      return new SecretsManagerClient({ region, profile });
    },
    createCloudFormationClient: async (region, profile) => {
      const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
      return new CloudFormationClient({ region, profile });
    },
    createS3Client: async (region, profile) => {
      const [{ S3Client }, { boundedClientConfig }] = await Promise.all([import('@aws-sdk/client-s3'), import('../provisioning/bounded-aws-requests')]);
      return new S3Client({ ...boundedClientConfig(region), profile });
    },
    untilInterrupted: () =>
      new Promise((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }),
  };
}

/** The codes of the CLI's own failures. */
export type CliFailureCode = Extract<RdsIamErrorCode, `RDS_IAM_CLI_${string}`>;

/** A failure the CLI reports as one line (no stack), with a stable code; {@link exitCodeFor} picks the exit code. */
export class CliFailure extends RdsIamError {
  constructor(code: CliFailureCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CliFailure';
  }
}

/** Exit codes of `rds-iam`. */
export const ExitCode = {
  Success: 0,
  Failure: 1,
  /** `plan`: the database differs from the declaration (drift or pending changes); `diff`: database access changes. */
  ChangesPending: 2,
} as const;

/**
 * The exit code of a command that failed, the one place it is chosen: every failure, ours or not, exits 1
 * ({@link ExitCode.ChangesPending} is a result, not a failure). A code that needs its own exit code is mapped here.
 */
export function exitCodeFor(_error: unknown): number {
  return ExitCode.Failure;
}

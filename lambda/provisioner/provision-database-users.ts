import { createSecretsManagerClient } from '../../lib/provisioning/master-secret';
import { createS3Client } from '../../lib/provisioning/user-set-object-reader';
import { answerCloudFormation, LambdaContext } from './answer-cloudformation';
import type { CloudFormationResponse } from './cloudformation-response';

/**
 * Everything the provisioner runs, behind the one lazy boundary of `index.ts`: the handler's event parsing,
 * validation, planning, mysql2, the RDS CA bundle and the Secrets Manager client are loaded on the first event,
 * not at Lambda init.
 */

// Created once per container (when the first event loads this module), reused across invocations.
const secretsManager = createSecretsManagerClient();
// The S3 client is made only for a user set kept in an object: most sets travel in the properties.
let s3: ReturnType<typeof createS3Client> | undefined;

/** One JSON line per entry; CloudWatch Logs Insights can query the fields. */
function logJsonLine(entry: Readonly<Record<string, unknown>>): void {
  console.log(JSON.stringify(entry));
}

function millisecondsFromEnvironment(name: string): number | undefined {
  const value = process.env[name];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Handles one CloudFormation request with this container's Secrets Manager client and environment, and answers it. */
export function provisionDatabaseUsers(event: unknown, context: LambdaContext): Promise<CloudFormationResponse> {
  return answerCloudFormation(event, context, {
    secretsManager,
    get s3() {
      return (s3 ??= createS3Client());
    },
    log: logJsonLine,
    extraCaPem: process.env.RDS_IAM_EXTRA_CA_PEM || undefined,
    connectRetryMs: millisecondsFromEnvironment('RDS_IAM_CONNECT_RETRY_MS'),
    stallTimeoutMs: millisecondsFromEnvironment('RDS_IAM_STALL_TIMEOUT_MS'),
  });
}

import { createSecretsManagerClient } from '../../lib/provisioning/master-secret';
import type { UserSetObject } from '../../lib/contracts/provisioner/user-set-object';
import { answerCloudFormation, LambdaContext } from './answer-cloudformation';
import type { CloudFormationResponse } from './cloudformation-response';
import type { AdminTokenRequest } from './database-login';

/**
 * Everything the provisioner runs, behind the one lazy boundary of `index.ts`: the handler's event parsing,
 * validation, planning, mysql2, the RDS CA bundle and the Secrets Manager client are loaded on the first event,
 * not at Lambda init.
 */

// Created once per container (when the first event loads this module), reused across invocations.
const secretsManager = createSecretsManagerClient();
/**
 * Reads a user set kept in an S3 object. The S3 client (and its SDK package) is loaded and made only for the first
 * such set, then kept: most sets travel in the properties, and their events never load it.
 */
let objectReader: Promise<(location: UserSetObject) => Promise<string>> | undefined;
function readUserSetObject(location: UserSetObject): Promise<string> {
  objectReader ??= import('../../lib/provisioning/user-set-object-reader').then((reader) => {
    const client = reader.createS3Client();
    return (object: UserSetObject) => reader.readUserSetObject(object, client);
  });
  return objectReader.then((read) => read(location));
}

/**
 * Signs the IAM admin user's token (`admin-token.ts`, its own file in the bundle), loaded with the first token: a
 * provisioner logging in with the master secret never loads the signer.
 */
async function signAdminToken(request: AdminTokenRequest): Promise<string> {
  const signer = await import('./admin-token');
  return signer.signAdminToken(request);
}

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
    signAdminToken,
    readUserSetObject,
    log: logJsonLine,
    extraCaPem: process.env.RDS_IAM_EXTRA_CA_PEM || undefined,
    connectRetryMs: millisecondsFromEnvironment('RDS_IAM_CONNECT_RETRY_MS'),
    refusedTokenRetryMs: millisecondsFromEnvironment('RDS_IAM_REFUSED_TOKEN_RETRY_MS'),
    stallTimeoutMs: millisecondsFromEnvironment('RDS_IAM_STALL_TIMEOUT_MS'),
  });
}

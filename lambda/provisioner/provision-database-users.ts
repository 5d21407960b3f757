import { createSecretsManagerClient } from '../../lib/provisioning/master-secret';
import { handleProvisionerEvent, ProvisionerResponse } from './handle-provisioner-event';

/**
 * Everything the provisioner runs, behind the one lazy boundary of `index.ts`: the handler's event parsing,
 * validation, planning, mysql2, the RDS CA bundle and the Secrets Manager client are loaded on the first event,
 * not at Lambda init.
 */

// Created once per container (when the first event loads this module), reused across invocations.
const secretsManager = createSecretsManagerClient();

/** One JSON line per entry; CloudWatch Logs Insights can query the fields. */
function logJsonLine(entry: Readonly<Record<string, unknown>>): void {
  console.log(JSON.stringify(entry));
}

function retryFromEnvironment(): number | undefined {
  const value = process.env.RDS_IAM_CONNECT_RETRY_MS;
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Handles one custom resource event with this container's Secrets Manager client and environment. */
export function provisionDatabaseUsers(event: unknown): Promise<ProvisionerResponse> {
  return handleProvisionerEvent(event, {
    secretsManager,
    log: logJsonLine,
    extraCaPem: process.env.RDS_IAM_EXTRA_CA_PEM || undefined,
    connectRetryMs: retryFromEnvironment(),
  });
}

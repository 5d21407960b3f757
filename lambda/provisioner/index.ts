import { createSecretsManagerClient } from '../../lib/provisioning/master-secret';
import { handleProvisionerEvent, ProvisionerResponse } from './handle-provisioner-event';

/**
 * The provisioner Lambda: the `onEventHandler` of the DatabaseUserProvisioner's custom resource Provider.
 *
 * Environment:
 * - `RDS_IAM_EXTRA_CA_PEM`: a CA certificate (PEM) trusted besides the Amazon RDS bundle, for servers that are not
 *   RDS such as the local emulator. Unset in real deployments.
 * - `RDS_IAM_CONNECT_RETRY_MS`: how long to retry the first connection (default 60 s; 10 s on Delete).
 */

// Created once per container, reused across invocations.
const secretsManager = createSecretsManagerClient();

/** One JSON line per entry; CloudWatch Logs Insights can query the fields. */
function logJsonLine(entry: Readonly<Record<string, unknown>>): void {
  console.log(JSON.stringify(entry));
}

function retryFromEnvironment(): number | undefined {
  const value = process.env.RDS_IAM_CONNECT_RETRY_MS;
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export const handler = async (event: unknown): Promise<ProvisionerResponse> =>
  handleProvisionerEvent(event, {
    secretsManager,
    log: logJsonLine,
    extraCaPem: process.env.RDS_IAM_EXTRA_CA_PEM || undefined,
    connectRetryMs: retryFromEnvironment(),
  });

import type { ProvisionerResponse } from './handle-provisioner-event';

/**
 * The provisioner Lambda: the `onEventHandler` of the DatabaseUserProvisioner's custom resource Provider.
 *
 * Environment:
 * - `RDS_IAM_EXTRA_CA_PEM`: a CA certificate (PEM) trusted besides the Amazon RDS bundle, for servers that are not
 *   RDS such as the local emulator. Unset in real deployments.
 * - `RDS_IAM_CONNECT_RETRY_MS`: how long to retry the first connection (default 60 s; 10 s on Delete).
 */

/**
 * The provisioner itself (mysql2, the Secrets Manager client, zod, the planner) is imported on the first event and
 * kept for the container's life. Loading it at init would add its whole evaluation to every cold start's init phase;
 * deferred, the bundle's top level does next to nothing (esbuild wraps the lazily imported modules so their code
 * runs only when `import()` is called).
 */
let provisioner: Promise<typeof import('./provision-database-users')> | undefined;

export const handler = async (event: unknown): Promise<ProvisionerResponse> => {
  provisioner ??= import('./provision-database-users');
  return (await provisioner).provisionDatabaseUsers(event);
};

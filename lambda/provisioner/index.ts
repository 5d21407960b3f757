import type { LambdaContext } from './answer-cloudformation';
import type { CloudFormationResponse } from './cloudformation-response';

/**
 * The provisioner Lambda: the service token of the DatabaseUserProvisioner's custom resource. CloudFormation invokes
 * it with the request and it answers on the request's ResponseURL itself (see `answer-cloudformation.ts`).
 *
 * Environment:
 * - `RDS_IAM_EXTRA_CA_PEM`: a CA certificate (PEM) trusted besides the Amazon RDS bundle, for servers that are not
 *   RDS such as the local emulator. Unset in real deployments.
 * - `RDS_IAM_CONNECT_RETRY_MS`: how long to retry the first connection (default 60 s; 10 s on Delete).
 * - `RDS_IAM_STALL_TIMEOUT_MS`: how long a connected server may stay silent mid-statement (default 30 s).
 * - `AWS_REGION` and the role's credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), set by
 *   Lambda: what an IAM admin user's token is signed with, when the properties name one (`AdminIamUsername`).
 */

/**
 * The provisioner itself (mysql2, the Secrets Manager client, zod, the planner) is imported on the first event and
 * kept for the container's life. Loading it at init would add its whole evaluation to every cold start's init phase;
 * deferred, the bundle's top level does next to nothing (esbuild wraps the lazily imported modules so their code
 * runs only when `import()` is called).
 */
let provisioner: Promise<typeof import('./provision-database-users')> | undefined;

export const handler = async (event: unknown, context: LambdaContext): Promise<CloudFormationResponse> => {
  provisioner ??= import('./provision-database-users');
  return (await provisioner).provisionDatabaseUsers(event, context);
};

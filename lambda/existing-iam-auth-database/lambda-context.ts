import { RDSClient } from '@aws-sdk/client-rds';
import type { ExistingIamAuthDatabaseContext } from './handlers';

/**
 * What the handlers use in a real Lambda: an RDS client (region and credentials from the Lambda environment) and
 * one JSON log line per entry. A static import, so the bundle `require`s the runtime's AWS SDK (a dynamic
 * `import()` of it would be resolved as ESM, which does not look where the Lambda runtime keeps the SDK).
 */
export function createLambdaContext(): ExistingIamAuthDatabaseContext {
  return { rds: new RDSClient({}), log: (entry) => console.log(JSON.stringify(entry)) };
}

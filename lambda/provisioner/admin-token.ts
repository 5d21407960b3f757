/**
 * The IAM admin user's token signer. A file of its own in the prebuilt bundle (`scripts/bundle-lambdas.ts` keeps it
 * out of `index.js`): @aws-sdk/rds-signer and its credential providers are parsed only by a provisioner that logs in
 * as an IAM admin, on its first token, never at init nor by one that logs in with the master secret.
 */
import { generateAuthToken } from '../../lib/client/iam-token-provider';
import type { AdminTokenRequest } from './database-login';

/**
 * Signs the token with this function's role credentials (the environment's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN), for AWS_REGION: the Lambda runs in the database's region.
 */
export function signAdminToken(request: AdminTokenRequest): Promise<string> {
  return generateAuthToken({ ...request, region: process.env.AWS_REGION || undefined });
}

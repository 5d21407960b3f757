import type { DatabaseUserSpec } from '../users/database-user-spec';

/**
 * The limits one provisioner custom resource must stay within, checked at synth so a user set that cannot deploy
 * never reaches CloudFormation:
 * - an Update event carries the new and the old user set, and CloudFormation invokes the Lambda asynchronously,
 *   whose payload may not exceed 1 MB;
 * - the template holding the set may not exceed CloudFormation's 1 MB (uploaded through S3), and the rest of the
 *   stack needs room too;
 * - the first deploy runs one statement per user and per grant, and must finish well within the Lambda timeout.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */

/** Lambda's limit on an asynchronous invocation's payload. */
export const LAMBDA_ASYNC_PAYLOAD_BYTES = 1024 * 1024;
/** What an Update event carries besides the two user sets (ids, URLs, the other properties). */
const EVENT_ENVELOPE_BYTES = 8 * 1024;
/** The share of CloudFormation's 1 MB template limit the user set may take, leaving the rest to the stack. */
export const TEMPLATE_SHARE_BYTES = 600 * 1024;
/**
 * A conservative time per statement on RDS (round trip plus the server's privilege-table write); the emulator
 * measures about 1 ms (README, "Provisioning N users").
 */
export const PROJECTED_STATEMENT_MS = 10;
/** Time kept for reading the secret, connecting (with retries while a new cluster's DNS appears) and answering. */
const FIXED_RUN_MS = 90_000;

export interface CapacityProblem {
  readonly limit: string;
  readonly message: string;
}

/** Checks the encoded user set and the projected first run against the limits; an empty list when it fits. */
export function provisionerCapacityProblems(users: readonly DatabaseUserSpec[], encodedUsers: string, timeoutSeconds: number): CapacityProblem[] {
  const problems: CapacityProblem[] = [];
  const encodedBytes = Buffer.byteLength(encodedUsers);
  const updateEventBytes = 2 * Buffer.byteLength(JSON.stringify(encodedUsers)) + EVENT_ENVELOPE_BYTES;
  const split = `split the users across databases, or declare fewer, shorter grants (db.* instead of one grant per table)`;
  if (updateEventBytes > LAMBDA_ASYNC_PAYLOAD_BYTES) {
    problems.push({
      limit: 'Lambda asynchronous payload (1 MB)',
      message:
        `the ${users.length} users encode to ${kib(encodedBytes)}; an Update event carries the new and the old set, ` +
        `${kib(updateEventBytes)}, above the 1 MB Lambda accepts from CloudFormation: ${split}`,
    });
  }
  const templateBytes = Buffer.byteLength(JSON.stringify(encodedUsers));
  if (templateBytes > TEMPLATE_SHARE_BYTES) {
    problems.push({
      limit: 'CloudFormation template (1 MB)',
      message: `the ${users.length} users take ${kib(templateBytes)} of the template, more than the ${kib(TEMPLATE_SHARE_BYTES)} a 1 MB template can spare: ${split}`,
    });
  }
  const statements = users.reduce((sum, user) => sum + 1 + user.grants.length, 0);
  const projectedMs = FIXED_RUN_MS + statements * PROJECTED_STATEMENT_MS;
  if (projectedMs > timeoutSeconds * 1000) {
    problems.push({
      limit: 'Lambda timeout',
      message:
        `a first deploy of ${users.length} users runs about ${statements} statements, projected at ${Math.ceil(projectedMs / 1000)}s ` +
        `(${PROJECTED_STATEMENT_MS} ms each plus ${FIXED_RUN_MS / 1000}s to connect), beyond the provisioner's ${timeoutSeconds}s timeout: ` +
        `raise DatabaseUserProvisioner's timeout (up to Duration.minutes(15)), or ${split}`,
    });
  }
  return problems;
}

function kib(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}

/**
 * Secrets Manager secret ARNs, parsed rather than matched against one narrow pattern: RDS names the secrets it manages
 * `rds!cluster-<uuid>` or `rds!db-<uuid>`, CDK names generated ones after the construct path, and every partition
 * (`aws`, `aws-cn`, `aws-us-gov`, the ISO partitions) issues them.
 *
 * `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>[-<6 random characters>]`
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
 */
export interface SecretArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The name as it appears in the ARN: with the random suffix Secrets Manager appends to complete ARNs. */
  readonly resourceName: string;
}

const PARTITION = /^aws(-[a-z]+)*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;
/**
 * What a secret name may hold: ASCII letters and digits and `/_+=.@-` as Secrets Manager allows users, plus `!`,
 * which only services use (RDS's `rds!…`). 512 characters at most, plus the 7 of the random suffix.
 */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@!-]{1,519}$/;

/** Parses a secret ARN; returns why it is not one otherwise (never echoing more than a bounded part of the input). */
export function parseSecretArn(arn: string): SecretArn | { readonly problem: string } {
  const parts = arn.split(':');
  if (parts.length !== 7) return { problem: 'must have the 7 colon-separated parts arn:<partition>:secretsmanager:<region>:<account>:secret:<name>' };
  const [prefix, partition, service, region, account, resourceType, resourceName] = parts;
  if (prefix !== 'arn') return { problem: 'must start with "arn:"' };
  if (!PARTITION.test(partition)) return { problem: 'has no valid partition (aws, aws-cn, aws-us-gov, …)' };
  if (service !== 'secretsmanager') return { problem: 'is not a Secrets Manager ARN (service must be secretsmanager)' };
  if (!REGION.test(region)) return { problem: 'has no valid region' };
  if (!ACCOUNT.test(account)) return { problem: 'has no 12-digit account id' };
  if (resourceType !== 'secret') return { problem: 'does not name a secret (resource type must be secret)' };
  if (!SECRET_NAME.test(resourceName)) return { problem: 'has a secret name outside A-Z a-z 0-9 / _ + = . @ ! - or longer than 519 characters' };
  return { partition, region, account, resourceName };
}

export function isSecretArn(arn: string): boolean {
  return !('problem' in parseSecretArn(arn));
}

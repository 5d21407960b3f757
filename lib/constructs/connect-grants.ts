import { Token } from 'aws-cdk-lib';
import { Grant, IGrantable, IPrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct, Node } from 'constructs';

/**
 * `rds-db:connect` grants merged per grantee: one policy statement per principal and database lists every user ARN
 * that principal may connect as, instead of one statement per user, and synth stops before the principal's
 * policies would exceed IAM's quotas.
 *
 * IAM caps a role at 10,240 characters of inline policy and 10 attached managed policies of 6,144 characters each
 * (CDK moves what overflows the inline policy into managed ones); a Lambda function's role already has two AWS
 * managed policies attached. One exact ARN takes about 100 characters.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */

const INLINE_POLICY_CHARACTERS = 10_240;
const MANAGED_POLICY_CHARACTERS = 6_144;
/** Ten attachable managed policies, less the two a VPC Lambda function's role already holds. */
const MANAGED_POLICIES_AVAILABLE = 8;
/** Room kept for the principal's other statements and each policy's own structure. */
const POLICY_RESERVE = 0.15;
export const CONNECT_POLICY_BUDGET_CHARACTERS = Math.floor(
  (INLINE_POLICY_CHARACTERS + MANAGED_POLICIES_AVAILABLE * MANAGED_POLICY_CHARACTERS) * (1 - POLICY_RESERVE),
);

/** `"arn:aws-us-gov:rds-db:<region>:<account>:dbuser:cluster-<26>/<user>",` with the longest partition and region. */
function arnCharacters(username: string): number {
  return '"arn:aws-us-gov:rds-db:ap-southeast-5:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/",'.length + username.length;
}

interface ConnectGrants {
  readonly grant: Grant;
  readonly usernames: string[];
}

/** Per principal, per database (its resource id token or value), the merged grant. */
const grantsByPrincipal = new WeakMap<IPrincipal, Map<string, ConnectGrants>>();

/**
 * Allows `grantee` `rds-db:connect` on `userArn`, adding it to the one statement this grantee holds for
 * `databaseKey`. Returns that statement's grant.
 */
export function grantConnectMerged(grantee: IGrantable, databaseKey: string, username: string, userArn: string, declaredBy: IConstruct): Grant {
  const principal = grantee.grantPrincipal;
  let byDatabase = grantsByPrincipal.get(principal);
  if (byDatabase === undefined) {
    byDatabase = new Map();
    grantsByPrincipal.set(principal, byDatabase);
    const owner: IConstruct = principal instanceof Construct ? principal : declaredBy;
    Node.of(owner).addValidation({ validate: () => quotaProblems(principal, owner) });
  }
  const existing = byDatabase.get(databaseKey);
  if (existing !== undefined) {
    if (!existing.usernames.includes(username)) {
      for (const statement of existing.grant.principalStatements) statement.addResources(userArn);
      existing.usernames.push(username);
    }
    return existing.grant;
  }
  const grant = Grant.addToPrincipal({ grantee, actions: ['rds-db:connect'], resourceArns: [userArn] });
  byDatabase.set(databaseKey, { grant, usernames: [username] });
  return grant;
}

function quotaProblems(principal: IPrincipal, owner: IConstruct): string[] {
  const byDatabase = grantsByPrincipal.get(principal);
  if (byDatabase === undefined) return [];
  const usernames = [...byDatabase.values()].flatMap((grants) => grants.usernames);
  const characters = usernames.reduce((sum, username) => sum + arnCharacters(username), 0);
  if (characters <= CONNECT_POLICY_BUDGET_CHARACTERS) return [];
  return [
    `${owner.node.path} is allowed rds-db:connect as ${usernames.length} database users: their exact ARNs need about ` +
      `${characters} policy characters, more than the ${CONNECT_POLICY_BUDGET_CHARACTERS} a role can hold within IAM's quotas ` +
      `(10,240 inline + ${MANAGED_POLICIES_AVAILABLE} managed policies of 6,144). Give the users to several roles, one per service, ` +
      'or let one role connect as fewer users',
  ];
}

/** The key that tells databases apart for merging: the resource id, a token or a literal. */
export function databaseKeyOf(resourceId: string): string {
  return Token.isUnresolved(resourceId) ? `token:${resourceId}` : resourceId;
}

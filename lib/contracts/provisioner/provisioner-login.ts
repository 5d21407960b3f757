import { ProvisionerPropertiesError, ProvisionerProperty } from './provisioner-properties';

/**
 * Who the provisioner logs in as, read from the custom resource's properties: exactly one of
 *
 * - the master user, with the password from the Secrets Manager secret `MasterSecretArn` names (the default); or
 * - an IAM admin user (`AdminIamUsername`): an existing database user IDENTIFIED WITH AWSAuthenticationPlugin that
 *   may create users, read the grant tables and grant what the stack declares. The Lambda signs an IAM auth token
 *   for it with its own role's credentials (`rds-db:connect` on exactly that user), so it holds no password at all.
 */
export type ProvisionerLogin =
  | { readonly kind: 'master-secret'; readonly secretArn: string }
  | { readonly kind: 'iam-admin'; readonly username: string };

/** Why a set of properties names no login, or two: the one message both the schema and the reader give. */
export const LOGIN_CHOICE_PROBLEM =
  `name how the provisioner logs in with exactly one of ${ProvisionerProperty.MasterSecretArn} (the master secret) ` +
  `or ${ProvisionerProperty.AdminIamUsername} (an IAM admin user)`;

/** Which login the (already validated) properties name. */
export function provisionerLoginOf(properties: { readonly MasterSecretArn?: string; readonly AdminIamUsername?: string }): ProvisionerLogin {
  const { MasterSecretArn: secretArn, AdminIamUsername: username } = properties;
  if (secretArn !== undefined && username === undefined) return { kind: 'master-secret', secretArn };
  if (username !== undefined && secretArn === undefined) return { kind: 'iam-admin', username };
  throw new ProvisionerPropertiesError(`the provisioner's properties do not ${LOGIN_CHOICE_PROBLEM}`);
}

import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { usernameProblems } from '../users/validate-user-specs';
import { IamDatabaseDeclarationError } from './declaration-error';
import type { IIamAuthDatabase } from './iam-auth-database';

/**
 * An existing database user the provisioner logs in as instead of the master: IDENTIFIED WITH
 * AWSAuthenticationPlugin, allowed CREATE USER, SELECT on `mysql.*`, and each declared schema's privileges WITH GRANT
 * OPTION. The provisioner never creates, changes or drops it.
 */
export interface ProvisionerAdminUser {
  /** Its user name: 1–32 ASCII letters, digits, `_` and `$`; not the master's, nor a name RDS or the engines keep. */
  readonly iamUsername: string;
}

/** What of the provisioner's props the admin user is checked against. */
interface AdminUserContext {
  readonly database: Pick<IIamAuthDatabase, 'masterUsername'>;
  readonly adminUser?: ProvisionerAdminUser;
  readonly createSecretsManagerEndpoint?: boolean;
}

/**
 * The admin user's name, checked at synth: a name this project may use (the rule every declared user follows), not
 * the master (whose password the option exists to keep out of the Lambda), and no Secrets Manager endpoint asked for
 * alongside it. Returns undefined without `adminUser`.
 */
export function checkProvisionerAdminUser(scope: IConstruct, props: AdminUserContext): string | undefined {
  if (props.adminUser === undefined) return undefined;
  const username: unknown = props.adminUser.iamUsername;
  const quoted = JSON.stringify(typeof username === 'string' ? username.slice(0, 64) : username);
  const refuse = (why: string, fix: string): never => {
    throw new IamDatabaseDeclarationError(scope, `adminUser.iamUsername ${quoted}: ${why}. Fix: ${fix}`);
  };
  if (typeof username !== 'string' || Token.isUnresolved(username)) {
    return refuse('must be a literal string', 'give the admin user name itself, not a token or another type');
  }
  const problems = usernameProblems(username);
  if (problems.length > 0) return refuse(problems.join('; '), 'name the IAM admin user the platform team created (CREATE USER … IDENTIFIED WITH AWSAuthenticationPlugin)');
  const master = props.database.masterUsername;
  if (master !== undefined && !Token.isUnresolved(master) && master.toLowerCase() === username.toLowerCase()) {
    return refuse(
      'is the master user of this database, which logs in with a password',
      'create a separate IAM admin user (see the README) and name it here, or leave adminUser out to log in as the master with its secret',
    );
  }
  if (props.createSecretsManagerEndpoint === true) {
    return refuse('is given together with createSecretsManagerEndpoint: true, but an IAM admin reads no secret', 'leave createSecretsManagerEndpoint out');
  }
  return username;
}

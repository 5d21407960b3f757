import { RemovalPolicy } from 'aws-cdk-lib';
import { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { databaseKeyOf, grantConnectMerged } from './connect-grants';
import { Construct, Dependable } from 'constructs';
import type { DatabaseUserSpec, UserGrant, UserRemovalPolicy } from '../users/database-user-spec';
import { UserSpecValidationError, validateUserSpecs } from '../users/validate-user-specs';
import type { DatabaseUserProvisioner } from './database-user-provisioner';
import { IamDatabaseDeclarationError } from './declaration-error';
import { databaseUserArn, IIamAuthDatabase } from './iam-auth-database';

export interface IamDatabaseUserProps {
  /** The provisioner of the database the user lives in (one per database). */
  readonly provisioner: DatabaseUserProvisioner;
  /**
   * 1–32 characters of ASCII letters, digits, `_` and `$`; not a name RDS, MySQL or MariaDB reserve, nor the master user.
   */
  readonly username: string;
  /**
   * Privileges per target: `{ privileges: ['SELECT'], on: 'app.*' }`; targets are `*.*`, `db.*` or `db.table`.
   * `ALL` on `db.*` or `db.table` expands to what the RDS master user can grant there.
   */
  readonly grants: readonly UserGrant[];
  /**
   * Refuse unencrypted connections (`REQUIRE SSL`).
   * @default true
   */
  readonly requireSsl?: boolean;
  /**
   * What happens to the database user when it leaves the declaration or the stack is deleted: `'drop'` (or
   * `RemovalPolicy.DESTROY`) drops it, `'retain'` (or `RemovalPolicy.RETAIN`) leaves it in place with its grants.
   * @default 'drop'
   */
  readonly removalPolicy?: UserRemovalPolicy | RemovalPolicy;
  /**
   * Take over a user of the same name that exists already and authenticates another way (e.g. with a password).
   * Without it the provisioner refuses to touch such a user.
   * @default false
   */
  readonly adoptExistingUser?: boolean;
  /**
   * Principals allowed to connect as this user; the same as calling `grantConnect` for each.
   * @default - none
   */
  readonly connectPrincipals?: readonly IGrantable[];
}

/**
 * One IAM-authenticated database user: `CREATE USER ... IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'`, its
 * grants, and `rds-db:connect` for the principals allowed to log in as it.
 *
 * The declaration is validated here, at synth. Other resources can wait for the user to exist with
 * `resource.node.addDependency(user)`: that waits for the database's provisioner custom resource.
 */
export class IamDatabaseUser extends Construct {
  public readonly username: string;
  public readonly database: IIamAuthDatabase;
  /** `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<username>`. */
  public readonly connectArn: string;
  /** The declaration with defaults applied, as the provisioner receives it. */
  public readonly spec: DatabaseUserSpec;

  constructor(scope: Construct, id: string, props: IamDatabaseUserProps) {
    super(scope, id);
    const { provisioner } = props;
    this.database = provisioner.database;
    this.username = props.username;
    this.spec = {
      username: props.username,
      grants: props.grants,
      requireSsl: props.requireSsl ?? true,
      removalPolicy: userRemovalPolicy(this, props.removalPolicy),
      adoptExistingUser: props.adoptExistingUser ?? false,
    };
    this.validateOwnDeclaration();
    provisioner.addUserSpec(this.spec, this);
    this.connectArn = databaseUserArn(this.database, this.username);

    // A construct without a CloudFormation resource would add no dependency at all; stand for the custom resource.
    Dependable.implement(this, { dependencyRoots: [provisioner.customResource] });

    for (const principal of props.connectPrincipals ?? []) {
      this.grantConnect(principal);
    }
  }

  /** Allows `grantee` to generate IAM tokens for this user (`rds-db:connect` on this user's ARN only). */
  public grantConnect(grantee: IGrantable): Grant {
    return grantConnectMerged(grantee, databaseKeyOf(this.database.resourceId), this.username, this.connectArn, this);
  }

  private validateOwnDeclaration(): void {
    try {
      validateUserSpecs([this.spec], { engine: this.database.engine, masterUsername: this.database.masterUsername });
    } catch (error) {
      if (!(error instanceof UserSpecValidationError)) throw error;
      // The validator numbers users in a set; this construct has one, so name its props instead.
      const details = error.problems
        .map((problem) => `  - ${problem.field.replace(/^users\[0\]\./, '')} = ${JSON.stringify(problem.value)}: ${problem.message}`)
        .join('\n');
      throw new IamDatabaseDeclarationError(this, `invalid database user declaration:\n${details}`, { cause: error });
    }
  }
}

function userRemovalPolicy(scope: Construct, policy: UserRemovalPolicy | RemovalPolicy | undefined): UserRemovalPolicy {
  switch (policy) {
    case undefined:
    case 'drop':
    case RemovalPolicy.DESTROY:
      return 'drop';
    case RemovalPolicy.RETAIN: // the string 'retain'
      return 'retain';
    default:
      throw new IamDatabaseDeclarationError(
        scope,
        `removalPolicy ${JSON.stringify(policy)} is not supported for a database user; use 'drop' (RemovalPolicy.DESTROY) or 'retain' (RemovalPolicy.RETAIN)`,
      );
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { databaseKeyOf, grantConnectMerged } from './connect-grants';
import { Construct, Dependable } from 'constructs';
import type { DatabaseUserSpec, PrivilegedAccessOptIn, UserGrant, UserRemovalPolicy } from '../users/database-user-spec';
import { declaredSpecOf, ValidatedUser } from '../users/validate-user-specs';
import type { WarningAcknowledgement } from '../review/warning-acknowledgement';
import { assertAcknowledgementsWellFormed, reportBroadGrants } from './broad-grant-warnings';
import type { DatabaseUserProvisioner } from './database-user-provisioner';
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
   * Grants the least-privilege rules refuse that this one user needs anyway, each named exactly, with the reason:
   * `{ reason: 'Monitoring agent reads statement digests', grants: [{ privileges: ['SELECT'], on: 'performance_schema.*' }] }`.
   * The grants must also be in `grants`. The opt-in is carried in the synthesized template for the access review.
   * Reserved accounts and the master user cannot be opted into.
   * @default - none: grants on the system schemas, account-management privileges and `*.*` data privileges are refused
   */
  readonly allowPrivileged?: PrivilegedAccessOptIn;
  /**
   * Principals allowed to connect as this user; the same as calling `grantConnect` for each.
   * @default - none
   */
  readonly connectPrincipals?: readonly IGrantable[];
  /**
   * Broad grants kept on purpose, each with the reason a reviewer reads (in the manner of cdk-nag suppressions):
   * `[{ id: 'rds-iam-mysql:WriteOnEveryDatabase', reason: '…' }]`. Without one, `cdk synth` warns about the grant.
   * @default - none: every broad grant is warned about
   */
  readonly acknowledgeWarnings?: readonly WarningAcknowledgement[];
}

/** Props of this construct that are not part of the user declaration. */
const CONSTRUCT_ONLY_PROPS: readonly string[] = ['provisioner', 'connectPrincipals', 'acknowledgeWarnings'];

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
  /** The declaration validated: defaults applied, grants normalized, as the provisioner receives it. */
  public readonly user: ValidatedUser;
  /** {@link user} in declared form (targets spelled `db.*`). */
  public readonly spec: DatabaseUserSpec;

  constructor(scope: Construct, id: string, props: IamDatabaseUserProps) {
    super(scope, id);
    const { provisioner } = props;
    this.database = provisioner.database;
    assertAcknowledgementsWellFormed(this, props.acknowledgeWarnings);
    // Validated once, by the provisioner, against the database's engine and master user: every field's type too,
    // since from JavaScript or JSON config `requireSsl: "false"` arrives as it is.
    this.user = provisioner.addUserDeclaration({ ...props, removalPolicy: userRemovalPolicy(props.removalPolicy) }, this, CONSTRUCT_ONLY_PROPS);
    this.username = this.user.username;
    this.spec = declaredSpecOf(this.user);
    reportBroadGrants(this, provisioner, this.user, props.acknowledgeWarnings);
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
}

/**
 * The construct also takes CDK's `RemovalPolicy`: DESTROY means drop, RETAIN is already the string `'retain'`.
 * Anything else goes on as given, for the validation to refuse with the field and the value.
 */
function userRemovalPolicy(policy: UserRemovalPolicy | RemovalPolicy | undefined): unknown {
  return policy === RemovalPolicy.DESTROY ? 'drop' : policy;
}

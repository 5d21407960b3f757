import type { DatabaseEngineFamily, UserRemovalPolicy } from '../users/database-user-spec';
import type { AssessedFinding, WarningAcknowledgement } from './warning-acknowledgement';

/**
 * Who can do what in which database, as a synthesized template will deploy it: the users the provisioner custom
 * resource carries, their grants, and the IAM principals allowed `rds-db:connect` as each of them.
 * Every list is sorted, so equal access gives equal models and equal text.
 */
export interface AccessModel {
  readonly stacks: readonly StackAccess[];
}

export interface StackAccess {
  readonly stackName: string;
  /** One per `Custom::RdsIamDatabaseUsers` resource, by logical id. */
  readonly databases: readonly DatabaseAccess[];
  /** rds-db:connect grants on databases no provisioner of this stack manages (another stack's, an RDS Proxy of one). */
  readonly otherConnectGrants: readonly OtherConnectGrant[];
}

export interface DatabaseAccess {
  /** Logical id of the provisioner custom resource. */
  readonly logicalId: string;
  readonly engine: DatabaseEngineFamily;
  /** Readable expression of the endpoint, e.g. `GetAtt DatabaseB269D8BB.Endpoint.Address`. */
  readonly endpoint: string;
  /** Readable expression of the resource id in rds-db:connect ARNs, e.g. `GetAtt DatabaseB269D8BB.DBClusterResourceId`. */
  readonly resourceId: string;
  /**
   * Whom the provisioner logs in as, readable: the master user with the secret it reads, or an IAM admin user with
   * the principals that may connect as it (its own role).
   */
  readonly provisionerLogin: string;
  readonly users: readonly UserAccess[];
  /** Principals allowed to connect as every user matching a pattern (`*`, `app_*`), users declared later included. */
  readonly patternConnects: readonly PatternConnect[];
}

export interface UserAccess {
  readonly username: string;
  readonly requireSsl: boolean;
  readonly removalPolicy: UserRemovalPolicy;
  readonly adoptExistingUser: boolean;
  /** By target. */
  readonly grants: readonly GrantAccess[];
  /** Principals allowed rds-db:connect as exactly this user. */
  readonly connects: readonly Connect[];
  /** Explicit opt-ins of the least-privilege rules, from the custom resource's user set. */
  readonly optIns: readonly OptIn[];
  /** Broad grants, each with its acknowledgement's reason when acknowledged. */
  readonly findings: readonly AssessedFinding[];
  /** Acknowledgements recorded for warnings that no grant of the user raises. */
  readonly unneededAcknowledgements: readonly WarningAcknowledgement[];
}

export interface GrantAccess {
  /** `*.*`, `db.*` or `db.table`. */
  readonly on: string;
  /** Canonical names, sorted. */
  readonly privileges: readonly string[];
  /** True when `privileges` is everything `ALL` expands to at this level. */
  readonly allPrivileges: boolean;
}

export interface Connect {
  /** `role ConnectRoleOrdersApiE94B4D6E`, `existing role orders-api`, … */
  readonly principal: string;
  /** `proxy <logical id>` when the grant is on an RDS Proxy in front of the database; absent when direct. */
  readonly via?: string;
}

export interface PatternConnect extends Connect {
  readonly usernamePattern: string;
}

export interface OtherConnectGrant {
  readonly principal: string;
  /** The whole rds-db ARN, readable. */
  readonly resource: string;
}

/** An explicit opt-in out of the least-privilege rules, as the user set carries it. */
export interface OptIn {
  /** Its name in the declaration: `allowPrivileged`. */
  readonly rule: string;
  /** The grants it lets through, readable: `CREATE USER ON *.*; SELECT ON mysql.user`. */
  readonly covers: string;
  readonly reason: string;
}

/**
 * The declared shape of one IAM database user, as it travels from the CDK construct
 * (synth time) through the custom resource to the provisioner (run time) and the CLI.
 *
 * It is plain data: no tokens, no constructs, nothing that cannot be JSON.
 */

/** The SQL dialect family of a database: Aurora MySQL and RDS for MySQL are `mysql`. */
export type DatabaseEngineFamily = 'mysql' | 'mariadb';

/** What happens to a database user when it leaves the declaration or the stack is deleted. */
export type UserRemovalPolicy = 'drop' | 'retain';

/** Privileges on one target: `*.*`, `db.*` or `db.table`. */
export interface UserGrant {
  /** Privilege names, e.g. `['SELECT', 'INSERT']`; `ALL` means every privilege the RDS master user can grant at that level. */
  readonly privileges: readonly string[];
  /** `*.*`, `db.*` or `db.table`. */
  readonly on: string;
}

/**
 * An explicit, reviewed exception to the least-privilege rules, on one user: exactly the grants the rules would
 * refuse, and why this user needs them. It travels in the synthesized custom resource property, so the access review
 * and the provisioner see it. It cannot waive a reserved account or the master user.
 */
export interface PrivilegedAccessOptIn {
  /** Why this user needs these grants, for reviewers: 10 to 500 characters. */
  readonly reason: string;
  /**
   * The refused grants this user may have, spelled like `grants` (each must also be declared there, and each must be
   * one a rule refuses: an opt-in that waives nothing is refused too).
   */
  readonly grants: readonly UserGrant[];
}

/** One database user as declared. */
export interface DatabaseUserSpec {
  readonly username: string;
  readonly grants: readonly UserGrant[];
  /** `REQUIRE SSL` when true, `REQUIRE NONE` when false. */
  readonly requireSsl: boolean;
  readonly removalPolicy: UserRemovalPolicy;
  /**
   * Convert a user that already exists with another authentication plugin (e.g. a password user made by hand).
   * Without it, the provisioner refuses to take such a user over.
   */
  readonly adoptExistingUser: boolean;
  /**
   * Grants the least-privilege rules refuse (system schemas, account management, every database through `*.*`)
   * that this one user needs anyway, with the reason.
   * @default - none: every such grant is refused
   */
  readonly allowPrivileged?: PrivilegedAccessOptIn;
}

/** The host part of every user this project manages: IAM tokens are checked by RDS, not by source address. */
export const USER_HOST = '%';

/** The plugin RDS uses to verify IAM tokens, and the authentication string it expects. */
export const IAM_AUTH_PLUGIN = 'AWSAuthenticationPlugin';
export const IAM_AUTH_STRING = 'RDS';

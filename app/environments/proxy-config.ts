/**
 * An RDS Proxy in front of an environment's database, with end-to-end IAM authentication: clients sign tokens for
 * the proxy endpoint, the proxy logs in to the database as the same user with its own token. Plain data, like the
 * rest of the environment config.
 */
export interface ProxyConfig {
  /**
   * The proxy's name (`DBProxyName`, 1-63 letters, digits and single hyphens, a letter first): the first label of
   * its endpoint and what `rds-iam connect --env <name> --proxy` looks up.
   */
  readonly name: string;
  /** The declared users the proxy logs in as, and who may connect as them through it. */
  readonly users: readonly ProxiedUserConfig[];
  /**
   * Existing security groups (in the database's VPC) admitted to the proxy port, besides the client group the
   * stack creates.
   * @default - none
   */
  readonly clientSecurityGroupIds?: readonly string[];
}

/** One declared user carried by the proxy. */
export interface ProxiedUserConfig {
  /** A user of the environment's `users`. */
  readonly username: string;
  /**
   * Names of IAM roles created in the stack (as in a user's `connectRoles`) that may connect as this user through
   * the proxy: `rds-db:connect` on `dbuser:prx-…/<username>`.
   * @default - none
   */
  readonly connectRoles?: readonly string[];
  /**
   * ARNs of existing IAM roles that may connect as this user through the proxy.
   * @default - none
   */
  readonly connectRoleArns?: readonly string[];
}

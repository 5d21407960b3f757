import { iamResourceMatches } from './role-policy-grants';

/** One RDS Proxy of the stack in front of one rehearsed database, with the values CloudFormation resolved. */
export interface ProxyPath {
  /** Its `DBProxyName`. */
  readonly name: string;
  readonly logicalId: string;
  /** `prx-…`, the last part of the proxy's ARN: what clients' `rds-db:connect` grants name. */
  readonly resourceId: string;
  /** The logical id of the role the proxy logs in to the database with (`RoleArn`), when it is the template's. */
  readonly roleLogicalId: string | undefined;
  /** The database's `cluster-…` or `db-…`: what the proxy role's grants name. */
  readonly databaseResourceId: string;
  /** `arn:<partition>:rds-db:<region>:<account>:dbuser:` of the stack. */
  readonly dbUserArnPrefix: string;
}

/** What the IAM policies let through one proxy. */
export interface ProxyGrantJudgement {
  /** Declared users some role other than the proxy's may connect as through the proxy, in declaration order. */
  readonly letThrough: readonly string[];
  /** One line per missing grant, naming the role, the user and the ARN. */
  readonly problems: readonly string[];
}

/**
 * Judges the proxy path as IAM would for each declared user: a client's login to the proxy needs `rds-db:connect`
 * on `dbuser:prx-…/<user>`, and the proxy's own login to the database needs its role to have it on
 * `dbuser:<cluster or db resource id>/<user>`. A user a client may connect as through the proxy whose database
 * login the proxy's role may not make is a problem; so is a user the proxy's role names literally (a user it
 * carries) that no client may connect as through it.
 * @param grants the resources each role of the template may `rds-db:connect` on, by logical id (`roleGrants`).
 */
export function judgeProxyGrants(path: ProxyPath, usernames: readonly string[], grants: ReadonlyMap<string, readonly string[]>): ProxyGrantJudgement {
  const letThrough: string[] = [];
  const problems: string[] = [];
  const role = path.roleLogicalId === undefined ? 'its role (not one of the template)' : `its role ${path.roleLogicalId}`;
  for (const username of usernames) {
    const proxyArn = `${path.dbUserArnPrefix}${path.resourceId}/${username}`;
    const databaseArn = `${path.dbUserArnPrefix}${path.databaseResourceId}/${username}`;
    const clients = clientRolesThrough(path, username, grants);
    if (clients.length > 0) {
      letThrough.push(username);
      if (!proxyRoleMayConnectAs(path, username, grants)) {
        problems.push(
          `proxy ${path.name}: ${role} may not rds-db:connect on ${databaseArn}, so the proxy cannot log in as ${username} for ` +
            `role ${clients.slice(0, 3).join(', role ')}${clients.length > 3 ? ` and ${clients.length - 3} more` : ''}. ` +
            `Fix: carry ${username} on the proxy (its users), which grants its role`,
        );
      }
    } else if (path.roleLogicalId !== undefined && (grants.get(path.roleLogicalId) ?? []).includes(databaseArn)) {
      problems.push(
        `proxy ${path.name}: ${role} logs in as ${username}, but no role may rds-db:connect on ${proxyArn}, so no client can ` +
          `log in as ${username} through it. Fix: name a connect role for ${username} on the proxy (proxy.grantConnect)`,
      );
    }
  }
  return { letThrough, problems };
}

/** Whether the proxy's own role may `rds-db:connect` as `username` on the database (`dbuser:<database resource id>/<user>`). */
export function proxyRoleMayConnectAs(path: ProxyPath, username: string, grants: ReadonlyMap<string, readonly string[]>): boolean {
  const databaseArn = `${path.dbUserArnPrefix}${path.databaseResourceId}/${username}`;
  const resources = path.roleLogicalId === undefined ? [] : (grants.get(path.roleLogicalId) ?? []);
  return resources.some((resource) => iamResourceMatches(resource, databaseArn));
}

/** The roles, other than the proxy's own, that may `rds-db:connect` as `username` through the proxy (`dbuser:prx-…/<user>`). */
export function clientRolesThrough(
  path: Pick<ProxyPath, 'resourceId' | 'roleLogicalId' | 'dbUserArnPrefix'>,
  username: string,
  grants: ReadonlyMap<string, readonly string[]>,
): string[] {
  const proxyArn = `${path.dbUserArnPrefix}${path.resourceId}/${username}`;
  return [...grants]
    .filter(([logicalId, resources]) => logicalId !== path.roleLogicalId && resources.some((resource) => iamResourceMatches(resource, proxyArn)))
    .map(([logicalId]) => logicalId);
}

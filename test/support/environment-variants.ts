import type { DeclaredUserConfig, EnvironmentConfig } from '../../app/environments/environment-config';

/** The environments with one user of one environment changed, everything else as shipped. */
export function withUserChanged(
  environments: readonly EnvironmentConfig[],
  environmentName: string,
  username: string,
  change: (user: DeclaredUserConfig) => DeclaredUserConfig,
): EnvironmentConfig[] {
  const target = environments.find((environment) => environment.name === environmentName);
  if (target?.users.some((user) => user.username === username) !== true) throw new Error(`no user ${username} in ${environmentName}`);
  return environments.map((environment) =>
    environment.name !== environmentName
      ? environment
      : { ...environment, users: environment.users.map((user) => (user.username === username ? change(user) : user)) },
  );
}

/** A user with one privilege added to its first grant. */
export function withPrivilegeAdded(privilege: string): (user: DeclaredUserConfig) => DeclaredUserConfig {
  return (user) => ({ ...user, grants: user.grants.map((grant, index) => (index === 0 ? { ...grant, privileges: [...grant.privileges, privilege] } : grant)) });
}

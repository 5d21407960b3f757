import type { DatabaseEngineFamily, DatabaseUserSpec } from '../users/database-user-spec';
import type { DatabaseConfig, DeclaredUserConfig, EnvironmentConfig, ExistingDatabaseConfig } from './environment-config';
import { SHIPPED_ENVIRONMENTS } from './shipped-environments';

export * from './environment-config';
export * from './proxy-config';

export class UnknownEnvironmentError extends Error {
  public readonly code = 'RDS_IAM_UNKNOWN_ENVIRONMENT';
  constructor(public readonly requestedName: string, public readonly knownNames: readonly string[]) {
    super(
      `unknown environment ${JSON.stringify(requestedName)}; known environments: ${knownNames.join(', ')} ` +
        '(declared in lib/environments/shipped-environments.ts)',
    );
    this.name = 'UnknownEnvironmentError';
  }
}

/** Every environment this repository declares, in declaration order. */
export function listEnvironments(): EnvironmentConfig[] {
  return [...SHIPPED_ENVIRONMENTS];
}

/** The environment of that name; throws {@link UnknownEnvironmentError} listing the known names otherwise. */
export function getEnvironment(name: string): EnvironmentConfig {
  const found = SHIPPED_ENVIRONMENTS.find((environment) => environment.name === name);
  if (found === undefined) {
    throw new UnknownEnvironmentError(name, SHIPPED_ENVIRONMENTS.map((environment) => environment.name));
  }
  return found;
}

/** True for a database that exists already and is referenced by identifier. */
export function isExistingDatabase(database: DatabaseConfig): database is ExistingDatabaseConfig {
  return database.kind === 'existing-cluster' || database.kind === 'existing-instance';
}

/** The CloudFormation stack name of an environment. */
export function environmentStackName(env: EnvironmentConfig): string {
  return `RdsIamMysql-${env.name}`;
}

/** A declared user with every default applied. */
export function declaredUserSpec(user: DeclaredUserConfig): DatabaseUserSpec {
  return {
    username: user.username,
    grants: user.grants,
    requireSsl: user.requireSsl ?? true,
    removalPolicy: user.removalPolicy ?? 'drop',
    adoptExistingUser: user.adoptExistingUser ?? false,
  };
}

/** The environment's users with defaults applied, in declaration order. */
export function environmentUserSpecs(env: EnvironmentConfig): DatabaseUserSpec[] {
  return env.users.map(declaredUserSpec);
}

/** The SQL dialect of the environment's database. */
export function environmentEngine(env: EnvironmentConfig): DatabaseEngineFamily {
  switch (env.database.kind) {
    case 'aurora-mysql-cluster':
      return 'mysql';
    case 'rds-instance':
    case 'existing-cluster':
    case 'existing-instance':
      return env.database.engine;
  }
}

/** The master user name, when the declaration knows it (an existing database may leave it out). */
export function environmentMasterUsername(env: EnvironmentConfig): string | undefined {
  return env.database.masterUsername;
}

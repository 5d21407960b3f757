// Value imports name the library's module, not its barrel: the CLI reads the environments and must not load aws-cdk-lib.
import { checkUserDeclarations, UserSetCheck } from '../../lib/users/validate-user-specs';
import type { DatabaseEngineFamily, DatabaseUserSpec } from '../../lib';
import { auroraMysqlEngineVersion, instanceEngineVersion, UnsupportedEngineVersionError } from './engine-versions';
import type { DatabaseConfig, DeclaredUserConfig, EnvironmentConfig, ExistingDatabaseConfig } from './environment-config';
import { SHIPPED_ENVIRONMENTS } from './shipped-environments';
import { RdsIamError } from '../../lib/errors/rds-iam-error';

export * from './environment-config';
export * from './proxy-config';

export class UnknownEnvironmentError extends RdsIamError {
  constructor(public readonly requestedName: string, public readonly knownNames: readonly string[]) {
    super('RDS_IAM_UNKNOWN_ENVIRONMENT', 
      `unknown environment ${JSON.stringify(requestedName)}; known environments: ${knownNames.join(', ')} ` +
        '(declared in app/environments/shipped-environments.ts)',
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

/** Fields of a declared user that the stack handles, not the provisioner. */
export const ENVIRONMENT_ONLY_USER_FIELDS: readonly string[] = ['connectRoles', 'connectRoleArns', 'acknowledgeWarnings'];

/**
 * A declared user's own fields, without the stack's (`connectRoles`…), with the defaults of missing fields applied.
 * Present fields go on as given, whatever their type, and so do fields no user has: a config from JSON may hold
 * anything, and the validation refuses it with the field and the value rather than this guessing what it means.
 */
export function declaredUserSpec(user: DeclaredUserConfig): DatabaseUserSpec {
  const { connectRoles: _roles, connectRoleArns: _arns, acknowledgeWarnings: _acknowledged, ...declaration } = user;
  return {
    ...declaration,
    requireSsl: declaration.requireSsl ?? true,
    removalPolicy: declaration.removalPolicy ?? 'drop',
    adoptExistingUser: declaration.adoptExistingUser ?? false,
  };
}

/**
 * Every user of the environment validated as one set against its engine and (when declared) master user name:
 * types, defaults, names, duplicates, grants and the least-privilege rules, with each problem's place.
 */
export function checkEnvironmentUsers(env: EnvironmentConfig): UserSetCheck {
  const engineVersion = environmentEngineVersion(env);
  return checkUserDeclarations(env.users, {
    engine: environmentEngine(env),
    ...(engineVersion === undefined ? {} : { engineVersion }),
    masterUsername: environmentMasterUsername(env),
    otherFields: ENVIRONMENT_ONLY_USER_FIELDS,
  });
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

/**
 * The engine version of a database the environment creates, as RDS names it (`8.0.mysql_aurora.3.10.3`, `8.4.8`):
 * MySQL's dynamic privileges differ by version. Undefined for an existing database, whose version the provisioner
 * reads from the server at deploy, and for a version the constructs do not support, which the stack reports itself.
 */
export function environmentEngineVersion(env: EnvironmentConfig): string | undefined {
  const database = env.database;
  try {
    if (database.kind === 'aurora-mysql-cluster') return auroraMysqlEngineVersion(database.auroraVersion).engineVersion;
    if (database.kind === 'rds-instance') return instanceEngineVersion(database.engine, database.engineVersion).engineVersion;
  } catch (error) {
    if (error instanceof UnsupportedEngineVersionError) return undefined;
    throw error;
  }
  return undefined;
}

/** The master user name, when the declaration knows it (an existing database may leave it out). */
export function environmentMasterUsername(env: EnvironmentConfig): string | undefined {
  return env.database.masterUsername;
}

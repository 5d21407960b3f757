import { CfnOutput, Fn, Stack, StackProps, Tokenization } from 'aws-cdk-lib';
import { AccountPrincipal, IRole, Role } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DatabaseUserProvisioner, describeProblems, IamDatabaseDeclarationError, IamDatabaseUser, nameStackEnvironment, UserSpecValidationError } from '../../lib';
import type { IamAuthDatabaseProxy, IIamAuthDatabase, ProxyTargetDatabase } from '../../lib';
import { describeProxyConfigProblems, proxyConfigProblems } from '../environments/proxy-config-problems';
import type { EnvironmentConfig } from '../environments/environment-config';
import { checkEnvironmentUsers, declaredUserSpec, isExistingDatabase } from '../environments';
import { auroraMysqlEngineVersion, instanceEngineVersion, UnsupportedEngineVersionError } from '../environments/engine-versions';
import { newAuroraMysqlCluster, newRdsInstance } from './new-database';
import { existingDatabase } from './existing-database';
import { newEnvironmentProxy } from './environment-proxy';
import { suppressDatabaseFindings, suppressExistingDatabaseFindings, suppressProvisionerFindings } from './nag-suppressions';

export interface IamDatabaseStackProps extends StackProps {
  /** The environment to build: its account and region become the stack's `env`. */
  readonly environmentConfig: EnvironmentConfig;
}

/** IAM role names: what IAM accepts, kept to one short segment so `<stack name>-<role>` stays under 64 characters. */
const CONNECT_ROLE_NAME = /^[A-Za-z0-9_+=,.@-]{1,40}$/;

/**
 * One environment: its database (new or existing) with IAM authentication on, the provisioner that converges its
 * users, the users themselves and the IAM roles allowed to connect as them.
 */
export class IamDatabaseStack extends Stack {
  /** (Not `environment`: Stack already has that, the `aws://account/region` string.) */
  public readonly environmentConfig: EnvironmentConfig;
  public readonly database: IIamAuthDatabase;
  public readonly provisioner: DatabaseUserProvisioner;
  /** Users by user name. */
  public readonly users: ReadonlyMap<string, IamDatabaseUser>;
  /** Roles created by this stack, by their name in the config. */
  public readonly connectRoles: ReadonlyMap<string, Role>;
  /** The RDS Proxy in front of the database, when the environment declares one. */
  public readonly proxy?: IamAuthDatabaseProxy;
  /** The cluster or instance this stack created, as a proxy target. */
  private createdDatabase?: ProxyTargetDatabase;

  constructor(scope: Construct, id: string, props: IamDatabaseStackProps) {
    const { environmentConfig: environment, ...stackProps } = props;
    super(scope, id, {
      description: `rds-iam-mysql ${environment.name}: database users authenticated with IAM`,
      ...stackProps,
      env: { account: environment.account, region: environment.region },
    });
    this.environmentConfig = environment;
    // `rds-iam plan --env dev` finds this stack by the name in cdk.out (assembly metadata, not the template).
    nameStackEnvironment(this, environment.name);
    this.validateDeclaredUsers();
    this.validateEngineVersion();
    this.validateProxyConfig();
    this.database = this.newDatabase();
    const { database: databaseConfig } = environment;
    this.provisioner = new DatabaseUserProvisioner(this, 'UserProvisioner', {
      database: this.database,
      createSecretsManagerEndpoint: isExistingDatabase(databaseConfig) ? databaseConfig.network.createSecretsManagerEndpoint : undefined,
    });
    suppressProvisionerFindings(this.provisioner);

    const createdRoles = new Map<string, Role>();
    const importedRoles = new Map<string, IRole>();
    const users = new Map<string, IamDatabaseUser>();
    const connectRole = (name: string) => createdRoles.get(name) ?? this.newConnectRole(name, createdRoles);
    const importedRole = (arn: string) => importedRoles.get(arn) ?? this.importConnectRole(arn, importedRoles);
    for (const declared of environment.users) {
      const user = new IamDatabaseUser(this, `User-${declared.username}`, {
        provisioner: this.provisioner,
        ...declaredUserSpec(declared),
        acknowledgeWarnings: declared.acknowledgeWarnings,
      });
      users.set(declared.username, user);
      for (const roleName of declared.connectRoles ?? []) user.grantConnect(connectRole(roleName));
      for (const roleArn of declared.connectRoleArns ?? []) user.grantConnect(importedRole(roleArn));
    }
    this.users = users;
    this.connectRoles = createdRoles;
    if (environment.proxy !== undefined) {
      const target = this.createdDatabase ?? (isExistingDatabase(databaseConfig) ? databaseConfig : undefined);
      if (target === undefined) throw new Error('unreachable: a database is either created or existing');
      this.proxy = newEnvironmentProxy(this, { config: environment.proxy, provisioner: this.provisioner, target, users, connectRole, importedRole });
    }
    this.addOutputs();
  }

  /**
   * The environment's users validated as one set before any construct is made, so every problem is reported at once
   * with the field names of the config (`users[2].grants[0].privileges`).
   */
  private validateDeclaredUsers(): void {
    const checked = checkEnvironmentUsers(this.environmentConfig);
    if (checked.ok) return;
    throw new IamDatabaseDeclarationError(
      this,
      `environment ${JSON.stringify(this.environmentConfig.name)}: invalid database user declaration:\n${describeProblems(checked.problems, 'users')}`,
      { cause: new UserSpecValidationError(checked.problems) },
    );
  }

  /** A new database's engine version, checked against the versions the constructs support before anything is built. */
  private validateEngineVersion(): void {
    const database = this.environmentConfig.database;
    try {
      if (database.kind === 'aurora-mysql-cluster') auroraMysqlEngineVersion(database.auroraVersion);
      if (database.kind === 'rds-instance') instanceEngineVersion(database.engine, database.engineVersion);
    } catch (error) {
      if (!(error instanceof UnsupportedEngineVersionError)) throw error;
      throw new IamDatabaseDeclarationError(this, `environment ${JSON.stringify(this.environmentConfig.name)}: ${error.message}`, { cause: error });
    }
  }

  /** The environment's `proxy`, checked before anything is built, with the config's field names. */
  private validateProxyConfig(): void {
    const problems = proxyConfigProblems(this.environmentConfig);
    if (problems.length === 0) return;
    throw new IamDatabaseDeclarationError(
      this,
      `environment ${JSON.stringify(this.environmentConfig.name)}: invalid proxy declaration:\n${describeProxyConfigProblems(problems)}`,
    );
  }

  /**
   * Without this override a stack with an explicit account and region looks its Availability Zones up in AWS at
   * synth, which needs credentials and network. A new VPC takes the region's first zones at deploy time
   * (`Fn::GetAZs`, as an environment-agnostic stack would); an existing network names its zones.
   */
  public override get availabilityZones(): string[] {
    const database = this.environmentConfig.database;
    if (isExistingDatabase(database)) {
      return [...database.network.availabilityZones];
    }
    return Array.from({ length: database.network.maxAzs }, (_, index) => Fn.select(index, Fn.getAzs()));
  }

  private newDatabase(): IIamAuthDatabase {
    const config = this.environmentConfig.database;
    switch (config.kind) {
      case 'aurora-mysql-cluster': {
        const created = newAuroraMysqlCluster(this, config);
        suppressDatabaseFindings(created, config);
        this.createdDatabase = created.construct;
        return created.database;
      }
      case 'rds-instance': {
        const created = newRdsInstance(this, config);
        suppressDatabaseFindings(created, config);
        this.createdDatabase = created.construct;
        return created.database;
      }
      case 'existing-cluster':
      case 'existing-instance': {
        const database = existingDatabase(this, config);
        suppressExistingDatabaseFindings(database);
        return database;
      }
    }
  }

  /** A role principals of the environment's account may assume to connect; its name is `<stack name>-<config name>`. */
  private newConnectRole(name: string, roles: Map<string, Role>): Role {
    if (!CONNECT_ROLE_NAME.test(name)) {
      throw new IamDatabaseDeclarationError(
        this,
        `connectRoles entry ${JSON.stringify(name)} is not a usable IAM role name; use 1-40 characters of A-Z, a-z, 0-9 and _+=,.@-`,
      );
    }
    const role = new Role(this, `ConnectRole-${name}`, {
      roleName: `${this.stackName}-${name}`,
      assumedBy: new AccountPrincipal(this.account),
      description: `rds-iam-mysql ${this.environmentConfig.name}: may connect to the database as the users that name it`,
    });
    roles.set(name, role);
    new CfnOutput(this, `ConnectRoleArn${name.replace(/[^A-Za-z0-9]/g, '')}`, {
      value: role.roleArn,
      description: `Role ${name}: assume it to connect as its users`,
    });
    return role;
  }

  private importConnectRole(roleArn: string, roles: Map<string, IRole>): IRole {
    // mutable: the stack attaches an rds-db:connect policy to the existing role.
    const role = Role.fromRoleArn(this, `ImportedConnectRole${roles.size}`, roleArn, { mutable: true });
    roles.set(roleArn, role);
    return role;
  }

  private addOutputs(): void {
    new CfnOutput(this, 'DatabaseEndpoint', { value: this.database.endpoint, description: 'Writer endpoint host name' });
    new CfnOutput(this, 'DatabasePort', { value: Tokenization.stringifyNumber(this.database.port) });
    new CfnOutput(this, 'DatabaseResourceId', {
      value: this.database.resourceId,
      description: 'Resource id in rds-db:connect ARNs (cluster-… or db-…)',
    });
    new CfnOutput(this, 'MasterSecretArn', {
      value: this.database.masterSecret.secretArn,
      description: 'ARN of the master user secret (the value is never in this template)',
    });
  }
}

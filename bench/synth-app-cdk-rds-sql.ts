#!/usr/bin/env node
/**
 * The shipped environments declared with cdk-rds-sql instead of this project's constructs, for
 * bench/synth-vs-cdk-rds-sql.ts. Same VPCs and databases (built by the same functions as app/app.ts), same
 * connect roles; the users and grants are cdk-rds-sql's: one `Role` (enableIamAuth) custom resource per user, one
 * `Sql` custom resource per GRANT, and aws-cdk-lib's `grantConnect` for the IAM policies.
 *
 * cdk-rds-sql cannot import a database by identifier and turn IAM authentication on, so for an existing database
 * it gets aws-cdk-lib's `fromDatabaseClusterAttributes` / `fromDatabaseInstanceAttributes` with placeholder ids.
 *
 * `RDS_IAM_BENCH_USERS=<n>` replaces each environment's users by n generated ones (for the scale row).
 */
import { App, Fn, Stack, StackProps } from 'aws-cdk-lib';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AccountPrincipal, Role as IamRole } from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import {
  EnvironmentConfig,
  ExistingDatabaseConfig,
  environmentEngine,
  environmentStackName,
  environmentUserSpecs,
  isExistingDatabase,
  listEnvironments,
} from '../app/environments';
import { formatGrantTarget } from '../lib/users/grant-target';
import { validateUserSpecs } from '../lib/users/validate-user-specs';
import { newAuroraMysqlCluster, newRdsInstance } from '../app/stacks/new-database';
import { CDK_RDS_SQL, requirePeer } from './peer-packages';
import { benchEnvironments } from './synth-bench-environments';

/** The part of cdk-rds-sql's API this app uses (it is installed on demand, so its own types are not at hand). */
interface CdkRdsSql {
  readonly Provider: new (scope: Construct, id: string, props: {
    vpc: IVpc; vpcSubnets?: SubnetSelection; cluster: rds.IDatabaseCluster | rds.IDatabaseInstance; secret: ISecret;
  }) => Construct;
  readonly Role: new (scope: Construct, id: string, props: {
    provider: Construct; roleName: string; enableIamAuth: boolean; databaseName: string;
  }) => Construct;
  readonly Sql: new (scope: Construct, id: string, props: { provider: Construct; statement: string; rollback: string }) => Construct;
}

const { Provider, Role, Sql } = requirePeer<CdkRdsSql>(CDK_RDS_SQL);

interface PeerStackProps extends StackProps {
  readonly environmentConfig: EnvironmentConfig;
}

class CdkRdsSqlStack extends Stack {
  constructor(scope: Construct, id: string, props: PeerStackProps) {
    const { environmentConfig: environment } = props;
    super(scope, id, { env: { account: environment.account, region: environment.region } });
    const { cluster, secret, vpc, vpcSubnets } = this.database(environment);
    const provider = new Provider(this, 'Provider', { vpc, vpcSubnets, cluster, secret });

    const roles = new Map<string, IamRole>();
    const users = validateUserSpecs(environmentUserSpecs(environment), { engine: environmentEngine(environment) });
    environment.users.forEach((declared, index) => {
      const user = users[index];
      // cdk-rds-sql wants a database per role: the first one the user is granted on.
      const databaseName = user.grants.flatMap(({ target }) => (target.level === 'global' ? [] : [target.database]))[0] ?? 'mysql';
      const databaseRole = new Role(this, `User-${user.username}`, { provider, roleName: user.username, enableIamAuth: true, databaseName });
      user.grants.forEach((grant, grantIndex) => {
        const on = formatGrantTarget(grant.target).replace(/^([^.*]+)\./, '`$1`.');
        const grantSql = new Sql(this, `Grant-${user.username}-${grantIndex}`, {
          provider,
          statement: `GRANT ${grant.privileges.join(', ')} ON ${on} TO '${user.username}'@'%'`,
          rollback: `REVOKE ${grant.privileges.join(', ')} ON ${on} FROM '${user.username}'@'%'`,
        });
        grantSql.node.addDependency(databaseRole);
      });
      for (const roleName of declared.connectRoles ?? []) {
        let role = roles.get(roleName);
        if (role === undefined) {
          role = new IamRole(this, `ConnectRole-${roleName}`, { roleName: `${this.stackName}-${roleName}`, assumedBy: new AccountPrincipal(this.account) });
          roles.set(roleName, role);
        }
        cluster.grantConnect(role, user.username);
      }
      for (const [roleIndex, roleArn] of (declared.connectRoleArns ?? []).entries()) {
        cluster.grantConnect(IamRole.fromRoleArn(this, `Imported-${user.username}-${roleIndex}`, roleArn, { mutable: true }), user.username);
      }
    });
  }

  public override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }

  private database(environment: EnvironmentConfig) {
    const config = environment.database;
    if (isExistingDatabase(config)) return this.existingDatabase(config);
    const created = config.kind === 'aurora-mysql-cluster' ? newAuroraMysqlCluster(this, config) : newRdsInstance(this, config);
    return { cluster: created.construct, secret: created.database.masterSecret, vpc: created.vpc, vpcSubnets: created.database.vpcSubnets };
  }

  private existingDatabase(config: ExistingDatabaseConfig) {
    const vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: config.network.vpcId,
      availabilityZones: [...config.network.availabilityZones],
      isolatedSubnetIds: [...config.network.subnetIds],
    });
    const securityGroups = [SecurityGroup.fromSecurityGroupId(this, 'DatabaseSecurityGroup', config.network.databaseSecurityGroupId)];
    const secret = Secret.fromSecretCompleteArn(
      this,
      'MasterSecret',
      config.masterSecretArn ?? `arn:aws:secretsmanager:${this.region}:${this.account}:secret:rds!cluster-placeholder-AbCdEf`,
    );
    const cluster =
      config.kind === 'existing-cluster'
        ? rds.DatabaseCluster.fromDatabaseClusterAttributes(this, 'Database', {
          clusterIdentifier: config.identifier,
          clusterResourceIdentifier: 'cluster-PLACEHOLDER0000000000000000',
          clusterEndpointAddress: `${config.identifier}.cluster-placeholder.${this.region}.rds.amazonaws.com`,
          port: 3306,
          securityGroups,
          engine: rds.DatabaseClusterEngine.AURORA_MYSQL,
        })
        : rds.DatabaseInstance.fromDatabaseInstanceAttributes(this, 'Database', {
          instanceIdentifier: config.identifier,
          instanceResourceId: 'db-PLACEHOLDER00000000000000000',
          instanceEndpointAddress: `${config.identifier}.placeholder.${this.region}.rds.amazonaws.com`,
          port: 3306,
          securityGroups,
        });
    return { cluster, secret, vpc, vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED } };
  }
}

const app = new App();
for (const environment of benchEnvironments(listEnvironments())) {
  new CdkRdsSqlStack(app, environmentStackName(environment), { environmentConfig: environment });
}
app.synth();

import { CfnOutput, Stack } from 'aws-cdk-lib';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IamAuthDatabaseProxy } from '../../lib';
import type { DatabaseUserProvisioner, IamDatabaseUser, IIamAuthDatabase, ProxyTargetDatabase } from '../../lib';
import type { ExistingDatabaseConfig } from '../environments/environment-config';
import type { ProxyConfig } from '../environments/proxy-config';

/** What the environment stack hands over to build its proxy. */
export interface EnvironmentProxyInputs {
  readonly config: ProxyConfig;
  readonly provisioner: DatabaseUserProvisioner;
  /** The cluster or instance the stack created, or the existing database's config to import it from. */
  readonly target: ProxyTargetDatabase | ExistingDatabaseConfig;
  /** The declared users, by name (the config was checked to name only these). */
  readonly users: ReadonlyMap<string, IamDatabaseUser>;
  /** The stack's role of that config name, created once. */
  readonly connectRole: (name: string) => IGrantable;
  /** The existing role of that ARN, imported once. */
  readonly importedRole: (arn: string) => IGrantable;
}

/**
 * The environment's RDS Proxy: the users it carries, the roles that connect through it, a security group for the
 * applications that use it (the only way in, with any groups the config names), and outputs naming its endpoint.
 */
export function newEnvironmentProxy(stack: Stack, inputs: EnvironmentProxyInputs): IamAuthDatabaseProxy {
  const { config, provisioner, users } = inputs;
  const database = provisioner.database;
  const target = 'kind' in inputs.target ? importedTarget(stack, inputs.target, database) : inputs.target;
  const proxy = new IamAuthDatabaseProxy(stack, 'Proxy', { provisioner, target, dbProxyName: config.name });
  for (const proxied of config.users) {
    const user = users.get(proxied.username) as IamDatabaseUser;
    proxy.addUser(user);
    for (const name of proxied.connectRoles ?? []) proxy.grantConnect(inputs.connectRole(name), user);
    for (const arn of proxied.connectRoleArns ?? []) proxy.grantConnect(inputs.importedRole(arn), user);
  }

  const clients = new SecurityGroup(stack, 'ProxyClients', {
    vpc: database.vpc,
    allowAllOutbound: false,
    description: `rds-iam-mysql: applications that connect through RDS Proxy ${config.name} (out to the proxy port only)`,
  });
  proxy.connections.allowDefaultPortFrom(clients, 'applications connecting through the proxy');
  (config.clientSecurityGroupIds ?? []).forEach((groupId, index) => {
    // Immutable: the stack adds the ingress rule on the proxy's group and leaves the client group's rules alone.
    const group = SecurityGroup.fromSecurityGroupId(stack, `ProxyClient${index}`, groupId, { mutable: false });
    proxy.connections.allowDefaultPortFrom(group, `client security group ${groupId}`);
  });

  new CfnOutput(stack, 'ProxyName', { value: proxy.dbProxyName, description: 'RDS Proxy name: rds-iam connect --proxy <name>' });
  new CfnOutput(stack, 'ProxyEndpoint', { value: proxy.endpoint, description: 'RDS Proxy endpoint: sign tokens for it, port 3306' });
  new CfnOutput(stack, 'ProxyArn', { value: proxy.dbProxyArn, description: 'RDS Proxy ARN; its last part (prx-…) is in the rds-db:connect ARNs of its clients' });
  new CfnOutput(stack, 'ProxyClientSecurityGroupId', {
    value: clients.securityGroupId,
    description: 'Attach to the functions and tasks that connect through the proxy',
  });
  return proxy;
}

/**
 * An existing database as a proxy target, from what the stack knows of it: identifier, engine, and the resource id,
 * endpoint and port read at deploy time. An existing cluster is taken to be Aurora MySQL.
 */
function importedTarget(stack: Stack, config: ExistingDatabaseConfig, database: IIamAuthDatabase): ProxyTargetDatabase {
  const securityGroups = database.connections.securityGroups;
  if (config.kind === 'existing-cluster') {
    return rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'ProxyTargetCluster', {
      clusterIdentifier: config.identifier,
      clusterResourceIdentifier: database.resourceId,
      engine: rds.DatabaseClusterEngine.AURORA_MYSQL,
      port: database.port,
      securityGroups,
    });
  }
  return rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'ProxyTargetInstance', {
    instanceIdentifier: config.identifier,
    instanceEndpointAddress: database.endpoint,
    instanceResourceId: database.resourceId,
    port: database.port,
    securityGroups,
    engine: config.engine === 'mariadb' ? rds.DatabaseInstanceEngine.MARIADB : rds.DatabaseInstanceEngine.MYSQL,
  });
}

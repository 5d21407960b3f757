import { ArnFormat, Duration, Names, Stack } from 'aws-cdk-lib';
import { Connections, IConnectable, Port, SecurityGroup, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Grant, IGrantable, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { dbProxyNameProblem } from '../proxy/db-proxy-name';
import { databaseKeyOf, grantConnectMerged } from './connect-grants';
import type { DatabaseUserProvisioner } from './database-user-provisioner';
import { IamDatabaseDeclarationError } from './declaration-error';
import { dbUserArn, type IIamAuthDatabase } from './iam-auth-database';
import type { IamDatabaseUser } from './iam-database-user';
import { isCluster, proxyTargetProblems, type ProxyTargetDatabase } from './proxy-target';

export interface IamAuthDatabaseProxyProps {
  /** The provisioner of the database the proxy fronts: its users are the ones the proxy can carry. */
  readonly provisioner: DatabaseUserProvisioner;
  /** The cluster or instance behind the proxy: the provisioner's database. */
  readonly target: ProxyTargetDatabase;
  /**
   * The proxy's name (`DBProxyName`): the first label of its endpoint, and what `rds-iam connect --proxy` takes.
   * @default - a name generated from the construct path
   */
  readonly dbProxyName?: string;
  /**
   * Subnets of the proxy's network interfaces: at least two Availability Zones.
   * @default - the database's `vpcSubnets`
   */
  readonly vpcSubnets?: SubnetSelection;
  /**
   * How long a client connection may sit idle before the proxy closes it.
   * @default Duration.minutes(30)
   */
  readonly idleClientTimeout?: Duration;
  /**
   * Users the proxy logs in as; the same as calling `addUser` for each.
   * @default - none until `addUser` or `grantConnect`
   */
  readonly users?: readonly IamDatabaseUser[];
}

/** RDS Proxy listens on the MySQL port for every MySQL-family target. */
export const PROXY_MYSQL_PORT = 3306;

/**
 * An RDS Proxy in front of an IAM-authenticated database with end-to-end IAM authentication: clients sign a token
 * for the proxy endpoint, and the proxy logs in to the database as the same user with a token of its own, holding
 * no secret. TLS is required between client and proxy.
 *
 * Three things must agree for that to work, and this construct does all three for each user it carries:
 * - the user exists in the database with `AWSAuthenticationPlugin` (declared once, as an `IamDatabaseUser`);
 * - the proxy's role may `rds-db:connect` as that user on the database (`dbuser:cluster-…/<user>` or `db-…`);
 * - `grantConnect(grantee, user)` lets a client `rds-db:connect` as that user on the proxy (`dbuser:prx-…/<user>`).
 *
 * The proxy runs in the database's VPC with a security group of its own that may reach the database port only;
 * clients are let in with `proxy.connections.allowDefaultPortFrom(client)`.
 */
export class IamAuthDatabaseProxy extends Construct implements IConnectable {
  public readonly database: IIamAuthDatabase;
  /** The aws-cdk-lib proxy. */
  public readonly proxy: rds.DatabaseProxy;
  /** The role RDS assumes to sign the proxy's own tokens. */
  public readonly role: Role;
  /** The proxy's network interfaces; their default port is the proxy's. */
  public readonly connections: Connections;
  /** Host name clients connect to and sign tokens for. */
  public readonly endpoint: string;
  public readonly port = PROXY_MYSQL_PORT;
  public readonly dbProxyName: string;
  public readonly dbProxyArn: string;
  /** `prx-…`, the last part of the proxy ARN: the resource id of the client side's `rds-db:connect` ARNs. */
  public readonly proxyResourceId: string;
  private readonly carried = new Map<string, IamDatabaseUser>();

  constructor(scope: Construct, id: string, props: IamAuthDatabaseProxyProps) {
    super(scope, id);
    const database = props.provisioner.database;
    this.database = database;
    const vpcSubnets = props.vpcSubnets ?? database.vpcSubnets;
    const dbProxyName = props.dbProxyName ?? Names.uniqueResourceName(this, { maxLength: 60 });
    const nameProblem = dbProxyNameProblem(dbProxyName);
    const problems = [...(nameProblem === undefined ? [] : [`dbProxyName: ${nameProblem}`]), ...proxyTargetProblems(props.target, database, vpcSubnets)];
    if (problems.length > 0) {
      throw new IamDatabaseDeclarationError(this, `this RDS Proxy cannot front ${database.displayName}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    }

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('rds.amazonaws.com'),
      description: `rds-iam-mysql: RDS Proxy ${dbProxyName} logs in to ${database.displayName} as the users it carries`,
    });
    const securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: database.vpc,
      allowAllOutbound: false,
      description: `rds-iam-mysql RDS Proxy ${dbProxyName}: clients in on ${PROXY_MYSQL_PORT}, out to the database port only`,
    });
    this.proxy = new rds.DatabaseProxy(this, 'Proxy', {
      proxyTarget: isCluster(props.target) ? rds.ProxyTarget.fromCluster(props.target) : rds.ProxyTarget.fromInstance(props.target),
      dbProxyName,
      vpc: database.vpc,
      vpcSubnets,
      securityGroups: [securityGroup],
      role: this.role,
      // End to end: IAM from the client to the proxy and from the proxy to the database, no secret anywhere.
      defaultAuthScheme: rds.DefaultAuthScheme.IAM_AUTH,
      // Client side: only rendered into secret-based auth entries, which this proxy has none of; IAM_AUTH above
      // already makes a token mandatory. Set for readers of this code and for any future secret entry.
      iamAuth: true,
      // The token travels in clear text inside the MySQL protocol (mysql_clear_password): never without TLS.
      requireTLS: true,
      idleClientTimeout: props.idleClientTimeout,
      debugLogging: false,
    });
    // ProxyTarget.bind opened the database port to the proxy's group (and our group's egress to it).
    this.connections = new Connections({ securityGroups: [securityGroup], defaultPort: Port.tcp(PROXY_MYSQL_PORT) });
    this.endpoint = this.proxy.endpoint;
    this.dbProxyName = this.proxy.dbProxyName;
    this.dbProxyArn = this.proxy.dbProxyArn;
    // arn:aws:rds:<region>:<account>:db-proxy:prx-… → prx-… (Fn::Select / Fn::Split on the ARN at deploy time).
    this.proxyResourceId = Stack.of(this).splitArn(this.dbProxyArn, ArnFormat.COLON_RESOURCE_NAME).resourceName as string;
    // Connections through the proxy can only succeed once its users exist.
    this.proxy.node.addDependency(props.provisioner.customResource);

    for (const user of props.users ?? []) this.addUser(user);
  }

  /** Users the proxy logs in as, in the order they were added. */
  public get users(): IamDatabaseUser[] {
    return [...this.carried.values()];
  }

  /**
   * Lets the proxy log in to the database as `user`: `rds-db:connect` for the proxy's role on the user's database-side
   * ARN. Idempotent. The user must live in the database the proxy fronts.
   */
  public addUser(user: IamDatabaseUser): void {
    if (user.database !== this.database) {
      throw new IamDatabaseDeclarationError(
        user,
        `user ${JSON.stringify(user.username)} lives in ${user.database.displayName}, but proxy ${this.node.path} fronts ` +
          `${this.database.displayName}; declare the user on that database's provisioner`,
      );
    }
    if (this.carried.has(user.username)) return;
    this.carried.set(user.username, user);
    user.grantConnect(this.role);
  }

  /**
   * `arn:<partition>:rds-db:<region>:<account>:dbuser:prx-…/<user>`: what a client needs to connect as `user`
   * through this proxy.
   */
  public connectArn(user: IamDatabaseUser): string {
    return dbUserArn(Stack.of(this), this.proxyResourceId, user.username);
  }

  /**
   * Lets `grantee` connect as `user` through this proxy: `rds-db:connect` on the proxy-side ARN of that user only.
   * The proxy then carries the user (`addUser`), so the grant cannot name a user the proxy could not log in as.
   */
  public grantConnect(grantee: IGrantable, user: IamDatabaseUser): Grant {
    this.addUser(user);
    return grantConnectMerged(grantee, databaseKeyOf(this.proxyResourceId), user.username, this.connectArn(user), this);
  }
}

import { ArnFormat, CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import { Connections, ISecurityGroup, IVpc, Port, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { LogLevel } from 'aws-cdk-lib/aws-stepfunctions';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct, IDependable } from 'constructs';
import type { DatabaseEngineFamily } from '../users/database-user-spec';
import {
  DB_IDENTIFIER_PATTERN,
  ExistingIamAuthDatabaseAttribute,
  ExistingIamAuthDatabaseProperty,
  DatabaseKind,
  EXISTING_DATABASE_RESOURCE_TYPE,
} from '../contracts/existing-iam-auth-database';
import { newBundledHandler } from './bundled-handler';
import { IamDatabaseDeclarationError } from './declaration-error';
import type { IIamAuthDatabase } from './iam-auth-database';
import { defaultPrivateSubnets } from './provisioner-network';

export interface ExistingIamAuthDatabaseProps {
  /**
   * Identifier of an existing Aurora MySQL cluster. Give this or `instanceIdentifier`.
   * @default - not a cluster
   */
  readonly clusterIdentifier?: string;
  /**
   * Identifier of an existing RDS for MySQL or RDS for MariaDB instance. Give this or `clusterIdentifier`.
   * @default - not an instance
   */
  readonly instanceIdentifier?: string;
  /**
   * SQL dialect the users are validated against; the deploy fails if the database runs another engine.
   * @default 'mysql'
   */
  readonly engine?: DatabaseEngineFamily;
  /**
   * The engine version the database runs, as RDS names it (`8.0.mysql_aurora.3.10.3`, `8.4.8`), to check declared
   * dynamic privileges against that line at synth.
   * @default - unknown: what any supported version of the engine allows; the provisioner checks again on the server
   */
  readonly engineVersion?: string;
  /**
   * The secret holding the master user's `username` and `password`.
   * @default - the RDS-managed master secret (`MasterUserSecret`) found on the database at deploy time
   */
  readonly masterSecret?: ISecret;
  /**
   * The customer-managed KMS key of the RDS-managed master secret, when it has one; the provisioner may decrypt with it.
   * Ignored when `masterSecret` is given (give the key on that secret).
   * @default - the secret uses the AWS-managed `aws/secretsmanager` key
   */
  readonly masterSecretEncryptionKey?: IKey;
  /**
   * Master user name, refused as a declared user name.
   * @default - not checked at synth
   */
  readonly masterUsername?: string;
  /** The database's VPC, e.g. `Vpc.fromVpcAttributes(...)` (a lookup would need AWS credentials at synth). */
  readonly vpc: IVpc;
  /**
   * Subnets the provisioner runs in; they must route to the database.
   * @default - the VPC's isolated subnets if it has any, else its private ones
   */
  readonly vpcSubnets?: SubnetSelection;
  /**
   * The database's security groups. The provisioner adds an ingress rule on the database port to them.
   */
  readonly securityGroups: readonly ISecurityGroup[];
  /**
   * On stack deletion, turn IAM database authentication back off if it was off when this stack found the database.
   * @default false - IAM authentication stays on
   */
  readonly restoreIamAuthOnDelete?: boolean;
  /**
   * How long to wait for RDS to apply the change before the deploy fails.
   * @default Duration.minutes(50)
   */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** The CloudFormation type of the custom resource that reads an existing database and enables IAM authentication. */
export { EXISTING_DATABASE_RESOURCE_TYPE };

/**
 * An Aurora MySQL cluster or RDS for MySQL / MariaDB instance that exists already, taken by identifier. At deploy
 * time a custom resource reads it (DescribeDBClusters / DescribeDBInstances), turns IAM database authentication on
 * when it is off (ModifyDBCluster / ModifyDBInstance, applied immediately, nothing else changed) and waits, through
 * the Provider framework's `isComplete` polling, until RDS has applied it. Its resource id, endpoint and port then
 * feed the `rds-db:connect` policies and the provisioner, exactly as for a database made in the stack.
 */
export class ExistingIamAuthDatabase extends Construct implements IIamAuthDatabase {
  public readonly kind: DatabaseKind;
  public readonly identifier: string;
  public readonly resourceId: string;
  public readonly endpoint: string;
  public readonly port: number;
  public readonly engine: DatabaseEngineFamily;
  public readonly engineVersion?: string;
  public readonly masterSecret: ISecret;
  public readonly masterUsername?: string;
  public readonly vpc: IVpc;
  public readonly vpcSubnets: SubnetSelection;
  public readonly connections: Connections;
  public readonly stack: Stack;
  public readonly availability: IDependable;
  public readonly displayName: string;
  /** The custom resource that enables IAM authentication; `getAtt` it for other attributes. */
  public readonly customResource: CustomResource;
  public readonly onEventHandler: LambdaFunction;
  public readonly isCompleteHandler: LambdaFunction;

  constructor(scope: Construct, id: string, props: ExistingIamAuthDatabaseProps) {
    super(scope, id);
    const { kind, identifier } = this.chooseDatabase(props);
    this.kind = kind;
    this.identifier = identifier;
    this.engine = props.engine ?? 'mysql';
    this.engineVersion = props.engineVersion;
    if (kind === 'cluster' && this.engine !== 'mysql') {
      throw new IamDatabaseDeclarationError(this, `engine ${JSON.stringify(this.engine)} with clusterIdentifier: only Aurora MySQL clusters are supported; use engine 'mysql'`);
    }
    this.stack = Stack.of(this);
    this.displayName = `${kind} ${identifier}`;
    this.masterUsername = props.masterUsername;
    this.vpc = props.vpc;
    this.vpcSubnets = props.vpcSubnets ?? defaultPrivateSubnets(props.vpc);

    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    this.onEventHandler = newBundledHandler(this, 'OnEvent', {
      lambdaName: 'existing-iam-auth-database',
      handler: 'onEvent',
      description: `rds-iam-mysql: reads ${this.displayName} and turns IAM database authentication on`,
      timeout: Duration.minutes(1),
      logRetention,
    });
    this.isCompleteHandler = newBundledHandler(this, 'IsComplete', {
      lambdaName: 'existing-iam-auth-database',
      handler: 'isComplete',
      description: `rds-iam-mysql: polls ${this.displayName} until IAM database authentication is applied`,
      timeout: Duration.minutes(1),
      logRetention,
    });
    this.grantDatabaseAccess();

    const providerLogs = new LogGroup(this, 'ProviderLogs', { retention: logRetention });
    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.onEventHandler,
      isCompleteHandler: this.isCompleteHandler,
      queryInterval: Duration.seconds(30),
      totalTimeout: props.timeout ?? Duration.minutes(50),
      logGroup: providerLogs,
      // The waiter's execution data is the database identifier and its attributes: no secret.
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { level: LogLevel.ALL, includeExecutionData: true },
    });
    this.customResource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: EXISTING_DATABASE_RESOURCE_TYPE,
      properties: {
        [ExistingIamAuthDatabaseProperty.Kind]: kind,
        [ExistingIamAuthDatabaseProperty.Identifier]: identifier,
        [ExistingIamAuthDatabaseProperty.Engine]: this.engine,
        [ExistingIamAuthDatabaseProperty.RestoreOnDelete]: String(props.restoreIamAuthOnDelete ?? false),
        [ExistingIamAuthDatabaseProperty.MasterSecretDeclared]: String(props.masterSecret !== undefined),
      },
    });
    this.availability = this.customResource;

    this.resourceId = this.customResource.getAttString(ExistingIamAuthDatabaseAttribute.ResourceId);
    this.endpoint = this.customResource.getAttString(ExistingIamAuthDatabaseAttribute.Endpoint);
    this.port = Token.asNumber(this.customResource.getAtt(ExistingIamAuthDatabaseAttribute.Port));
    this.masterSecret = props.masterSecret ?? Secret.fromSecretAttributes(this, 'MasterSecret', {
      secretCompleteArn: this.customResource.getAttString(ExistingIamAuthDatabaseAttribute.MasterSecretArn),
      encryptionKey: props.masterSecretEncryptionKey,
    });
    this.connections = new Connections({ securityGroups: [...props.securityGroups], defaultPort: Port.tcp(this.port) });
  }

  private chooseDatabase(props: ExistingIamAuthDatabaseProps): { kind: DatabaseKind; identifier: string } {
    const given = [
      ...(props.clusterIdentifier !== undefined ? [{ kind: 'cluster' as const, prop: 'clusterIdentifier', identifier: props.clusterIdentifier }] : []),
      ...(props.instanceIdentifier !== undefined ? [{ kind: 'instance' as const, prop: 'instanceIdentifier', identifier: props.instanceIdentifier }] : []),
    ];
    if (given.length !== 1) {
      throw new IamDatabaseDeclarationError(this, 'give exactly one of clusterIdentifier and instanceIdentifier');
    }
    const [{ kind, prop, identifier }] = given;
    if (!Token.isUnresolved(identifier) && !DB_IDENTIFIER_PATTERN.test(identifier)) {
      throw new IamDatabaseDeclarationError(
        this,
        `${prop} ${JSON.stringify(identifier)} is not a DB identifier: a letter, then letters, digits and single hyphens, at most 63 characters, not ending with a hyphen`,
      );
    }
    return { kind, identifier };
  }

  /** Describe, modify and tag this one cluster or instance, nothing else. */
  private grantDatabaseAccess(): void {
    const arn = this.stack.formatArn({
      service: 'rds',
      resource: this.kind === 'cluster' ? 'cluster' : 'db',
      resourceName: this.identifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // The tags remember that this stack turned IAM authentication on (see lambda/existing-iam-auth-database/handlers.ts).
    const actions = this.kind === 'cluster'
      ? ['rds:DescribeDBClusters', 'rds:ModifyDBCluster', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource']
      : ['rds:DescribeDBInstances', 'rds:ModifyDBInstance', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource'];
    for (const handler of [this.onEventHandler, this.isCompleteHandler]) {
      handler.addToRolePolicy(new PolicyStatement({ actions, resources: [arn] }));
    }
  }
}

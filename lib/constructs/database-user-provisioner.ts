import { CustomResource, Duration, Lazy, Tokenization } from 'aws-cdk-lib';
import type { SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty, encodeUserSpecs } from '../contracts/provisioner/provisioner-properties';
import type { DatabaseUserSpec } from '../users/database-user-spec';
import { checkUserDeclarations, declaredSpecOf, describeProblems, UserSpecValidationError, ValidatedUser } from '../users/validate-user-specs';
import { newBundledHandler } from './bundled-handler';
import { provisionerCapacityProblems } from './provisioner-capacity';
import { IamDatabaseDeclarationError } from './declaration-error';
import type { IIamAuthDatabase } from './iam-auth-database';
import { ProvisionerNetwork } from './provisioner-network';

export interface DatabaseUserProvisionerProps {
  /** The database whose users this provisioner converges. */
  readonly database: IIamAuthDatabase;
  /**
   * Subnets the provisioner Lambda runs in.
   * @default - the database's `vpcSubnets`
   */
  readonly vpcSubnets?: SubnetSelection;
  /**
   * Create a Secrets Manager interface endpoint for the Lambda. Turn it off when the VPC already has one.
   * @default - true when the selected subnets are isolated, false when they have egress
   */
  readonly createSecretsManagerEndpoint?: boolean;
  /**
   * How long one provisioning run may take, including the Lambda's bounded connection retries while a new database
   * finishes starting.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export { PROVISIONER_RESOURCE_TYPE } from '../contracts/provisioner/provisioner-properties';

/**
 * How long CloudFormation waits for an answer: the handler always answers before its own timeout, but when the
 * Lambda service retries a crashed invocation (twice, a minute or two apart) the answer can come from the third.
 */
function answerTimeout(timeout: Duration): Duration {
  return Duration.seconds(Math.min(3600, timeout.toSeconds() * 3 + 180));
}

/**
 * Converges the IAM-authenticated users of one database: a Lambda in the database's VPC and one custom resource
 * carrying the whole declared user set, so a thousand users cost one resource, not a thousand.
 *
 * Declare users with `new IamDatabaseUser(scope, id, { provisioner, ... })`; users added after this construct still
 * land in its properties, which are resolved at synth.
 */
export class DatabaseUserProvisioner extends Construct {
  public readonly database: IIamAuthDatabase;
  /** The Lambda that runs `CREATE USER`, `GRANT` and `REVOKE` with the master user. */
  public readonly handler: LambdaFunction;
  public readonly network: ProvisionerNetwork;
  /** The custom resource whose properties hold the user set; users depend on it. */
  public readonly customResource: CustomResource;
  private readonly declaredUsers = new Map<string, { readonly user: ValidatedUser; readonly declaredBy: IConstruct }>();

  constructor(scope: Construct, id: string, props: DatabaseUserProvisionerProps) {
    super(scope, id);
    const { database } = props;
    this.database = database;
    const vpcSubnets = props.vpcSubnets ?? database.vpcSubnets;
    const timeout = props.timeout ?? Duration.minutes(5);

    this.network = new ProvisionerNetwork(this, 'Network', {
      database,
      vpcSubnets,
      createSecretsManagerEndpoint: props.createSecretsManagerEndpoint,
    });
    this.handler = newBundledHandler(this, 'Handler', {
      lambdaName: 'provisioner',
      description: `rds-iam-mysql: converges the IAM database users of ${database.displayName}`,
      timeout,
      vpc: database.vpc,
      vpcSubnets,
      securityGroups: [this.network.securityGroup],
      logRetention: props.logRetention,
    });
    // GetSecretValue and DescribeSecret on this one secret (and decrypt with its key when it has its own).
    database.masterSecret.grantRead(this.handler);

    // The handler answers CloudFormation itself rather than through the Provider framework: the framework answers
    // the rollback Delete of a failed Create alone (its CREATE_FAILED marker), which would leave that Create's users
    // behind. See lib/contracts/provisioner/provisioner-physical-id.ts.
    this.customResource = new CustomResource(this, 'Users', {
      serviceToken: this.handler.functionArn,
      resourceType: PROVISIONER_RESOURCE_TYPE,
      serviceTimeout: answerTimeout(timeout),
      properties: {
        [ProvisionerProperty.MasterSecretArn]: database.masterSecret.secretArn,
        [ProvisionerProperty.DatabaseResourceId]: database.resourceId,
        [ProvisionerProperty.Endpoint]: database.endpoint,
        [ProvisionerProperty.Port]: Tokenization.stringifyNumber(database.port),
        [ProvisionerProperty.Engine]: database.engine,
        [ProvisionerProperty.Users]: Lazy.string({ produce: () => encodeUserSpecs(this.wireUserSpecs()) }),
      },
    });
    // Connect only once the database (with its instances) is up and the network rules and endpoint exist.
    this.customResource.node.addDependency(database.availability, this.network, ...database.connections.securityGroups);

    // Each declaration is validated as it is added (addUserDeclaration); what only the whole set shows is its size.
    this.node.addValidation({
      validate: () =>
        provisionerCapacityProblems(this.userSpecs, encodeUserSpecs(this.wireUserSpecs()), timeout.toSeconds()).map(
          (problem) => `${this.node.path}: ${problem.limit}: ${problem.message}`,
        ),
    });
  }

  /** Every user declared on this provisioner, in declaration order, with defaults applied and grants normalized. */
  public get userSpecs(): DatabaseUserSpec[] {
    return [...this.declaredUsers.values()].map((declared) => declaredSpecOf(declared.user));
  }

  /**
   * Adds a user to the set. `IamDatabaseUser` declares its users through {@link addUserDeclaration}; call this
   * directly only to declare users without constructs. Throws when the declaration is invalid or the user name is
   * already declared on this database.
   */
  public addUserSpec(spec: DatabaseUserSpec, declaredBy: IConstruct): ValidatedUser {
    return this.addUserDeclaration(spec, declaredBy);
  }

  /**
   * Validates one declaration as it arrives (its types too: from JavaScript or JSON config, TypeScript's types are
   * gone), against this database's engine and master user, and adds it to the set. The set keeps only the validated
   * form, so nothing is validated twice on the way to the custom resource.
   * @param otherFields fields of `declaration` the caller handles itself (e.g. a construct's `provisioner`)
   */
  public addUserDeclaration(declaration: unknown, declaredBy: IConstruct, otherFields: readonly string[] = []): ValidatedUser {
    const checked = checkUserDeclarations([declaration], {
      engine: this.database.engine,
      masterUsername: this.database.masterUsername,
      otherFields,
    });
    if (!checked.ok) {
      throw new IamDatabaseDeclarationError(declaredBy, `invalid database user declaration:\n${describeProblems(checked.problems)}`, {
        cause: new UserSpecValidationError(checked.problems),
      });
    }
    const [user] = checked.users;
    const previous = this.declaredUsers.get(user.username);
    if (previous !== undefined) {
      throw new IamDatabaseDeclarationError(
        declaredBy,
        `username ${JSON.stringify(user.username)} is already declared on ${this.database.displayName} by ` +
          `${previous.declaredBy.node.path}; declare each database user once`,
      );
    }
    this.declaredUsers.set(user.username, { user, declaredBy });
    return user;
  }

  /**
   * The set as it travels to the Lambda: normalized (canonical privilege names, `ALL` expanded, grants merged and
   * sorted) and ordered by user name, so a cosmetic change in the declaration does not trigger an update.
   */
  private wireUserSpecs(): DatabaseUserSpec[] {
    return [...this.declaredUsers.values()]
      .map((declared) => declared.user)
      .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))
      .map(declaredSpecOf);
  }
}

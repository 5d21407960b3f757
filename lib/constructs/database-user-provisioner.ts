import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aspects, AssetHashType, CustomResource, Duration, Lazy, Tokenization } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty, encodeUserSpecs } from '../contracts/provisioner/provisioner-properties';
import { USER_SET_OBJECT_EXTENSION, userSetDigest, type UserSetObject } from '../contracts/provisioner/user-set-object';
import type { DatabaseUserSpec } from '../users/database-user-spec';
import { checkUserDeclarations, declaredSpecOf, describeProblems, UserSpecValidationError, ValidatedUser } from '../users/validate-user-specs';
import { checkProvisionerAdminUser, ProvisionerAdminUser } from './provisioner-admin-user';
import { databaseKeyOf, grantConnectMerged } from './connect-grants';
import { newBundledHandler } from './bundled-handler';
import { chooseUserSetDelivery, defaultMemorySizeMb, defaultTimeoutSeconds, provisionerCapacityProblems, type UserSetDelivery } from './provisioner-capacity';
import { IamDatabaseDeclarationError } from './declaration-error';
import { databaseUserArn, type IIamAuthDatabase } from './iam-auth-database';
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
   * Log in as this existing IAM admin user instead of the master: the Lambda signs an IAM auth token for it with its
   * own role, which gets `rds-db:connect` on exactly `dbuser:<the database's resource id>/<iamUsername>` and no access
   * to the master secret (nor a Secrets Manager endpoint or HTTPS egress for it: signing is local). The platform team
   * creates the user once, as master (see the README, "The provisioner as an IAM admin user"). No declared user may
   * be named like it.
   * @default - the master user, with the password from `database.masterSecret`
   */
  readonly adminUser?: ProvisionerAdminUser;
  /**
   * Create a Secrets Manager interface endpoint for the Lambda. Turn it off when the VPC already has one. Not with
   * `adminUser`, which reads no secret.
   * @default - true when the selected subnets are isolated, false when they have egress; never with `adminUser`
   */
  readonly createSecretsManagerEndpoint?: boolean;
  /**
   * Create an S3 gateway endpoint on the route tables of `vpcSubnets`, so the Lambda can read a user set kept in an
   * S3 object. Turn it off when the VPC already has one for those route tables (a route table takes one S3 gateway
   * endpoint).
   * @default - true when the set travels in an S3 object and every selected subnet is isolated
   */
  readonly createS3Endpoint?: boolean;
  /**
   * Where the user set travels to the Lambda: `'properties'` (in the custom resource, visible in the template) or
   * `'object'` (an S3 file asset the template names with its SHA-256; no size limit from the template or the Update
   * event; the Lambda reads it with `s3:GetObject` on the bootstrap bucket's `<64 characters>.rds-iam-user-set` objects: this set's
   * and the previous one's, which an Update and its rollback read too).
   * @default - in the properties up to 256 KiB (about 4,800 users with short names, 580 with the longest), in an S3 object above that
   */
  readonly userSetDelivery?: UserSetDelivery;
  /**
   * How long one provisioning run may take, including the Lambda's bounded connection retries while a new database
   * finishes starting.
   * @default - 5 minutes, or longer when the projected first run of the declared set needs it (up to 15 minutes)
   */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

export { PROVISIONER_RESOURCE_TYPE } from '../contracts/provisioner/provisioner-properties';

/**
 * The keys of user set objects, this set's and any other's: a file asset's key is its 64-character hash + the
 * extension of its file, which only user set objects have (the stack templates CDK uploads end in `.json`).
 */
const USER_SET_OBJECT_KEYS = `${'?'.repeat(64)}${USER_SET_OBJECT_EXTENSION}`;

/**
 * How long CloudFormation waits for an answer: the handler always answers before its own timeout, but when the
 * Lambda service retries a crashed invocation (twice, a minute or two apart) the answer can come from the third.
 */
function answerTimeoutSeconds(timeoutSeconds: number): number {
  return Math.min(3600, timeoutSeconds * 3 + 180);
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
  /** The Lambda that runs `CREATE USER`, `GRANT` and `REVOKE` as the master user (or the IAM admin user). */
  public readonly handler: LambdaFunction;
  public readonly network: ProvisionerNetwork;
  /** The custom resource whose properties hold the user set; users depend on it. */
  public readonly customResource: CustomResource;
  /** The IAM admin user the Lambda logs in as instead of the master, when `adminUser` is given. */
  public readonly adminUsername?: string;
  /** The S3 file asset holding the set, when it travels in an object (made when aspects run). */
  public userSetAsset?: Asset;
  private readonly declaredUsers = new Map<string, { readonly user: ValidatedUser; readonly declaredBy: IConstruct }>();
  private userSetObject?: UserSetObject;
  private encodedUserSetCache?: string;

  constructor(scope: Construct, id: string, props: DatabaseUserProvisionerProps) {
    super(scope, id);
    const { database } = props;
    this.database = database;
    this.adminUsername = checkProvisionerAdminUser(this, props);
    const vpcSubnets = props.vpcSubnets ?? database.vpcSubnets;
    // Sized from the whole set, known only once every user is declared: resolved at synth.
    const timeoutSeconds = (): number => props.timeout?.toSeconds() ?? defaultTimeoutSeconds(this.userSpecs);
    const timeout = props.timeout ?? Duration.seconds(Lazy.number({ produce: timeoutSeconds }));

    this.network = new ProvisionerNetwork(this, 'Network', {
      database,
      vpcSubnets,
      reachSecretsManager: this.adminUsername === undefined,
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
    // Sized from the whole set too: an Update holds the new and the old set in memory.
    (this.handler.node.defaultChild as CfnFunction).memorySize = Lazy.number({ produce: () => defaultMemorySizeMb(this.encodedUserSet()) });
    if (this.adminUsername === undefined) {
      // GetSecretValue and DescribeSecret on this one secret (and decrypt with its key when it has its own).
      database.masterSecret.grantRead(this.handler);
    } else {
      // Signs the admin's tokens: connect as that one user of this one database, and nothing else.
      grantConnectMerged(this.handler, databaseKeyOf(database.resourceId), this.adminUsername, databaseUserArn(database, this.adminUsername), this);
    }

    // The handler answers CloudFormation itself rather than through the Provider framework: the framework answers
    // the rollback Delete of a failed Create alone (its CREATE_FAILED marker), which would leave that Create's users
    // behind. See lib/contracts/provisioner/provisioner-physical-id.ts.
    this.customResource = new CustomResource(this, 'Users', {
      serviceToken: this.handler.functionArn,
      resourceType: PROVISIONER_RESOURCE_TYPE,
      serviceTimeout: Duration.seconds(Lazy.number({ produce: () => answerTimeoutSeconds(timeoutSeconds()) })),
      properties: {
        ...(this.adminUsername === undefined
          ? { [ProvisionerProperty.MasterSecretArn]: database.masterSecret.secretArn }
          : { [ProvisionerProperty.AdminIamUsername]: this.adminUsername }),
        [ProvisionerProperty.DatabaseResourceId]: database.resourceId,
        [ProvisionerProperty.Endpoint]: database.endpoint,
        [ProvisionerProperty.Port]: Tokenization.stringifyNumber(database.port),
        [ProvisionerProperty.Engine]: database.engine,
        [ProvisionerProperty.Users]: Lazy.any({ produce: () => (this.userSetObject === undefined ? this.encodedUserSet() : undefined) }),
        [ProvisionerProperty.UsersObject]: Lazy.any({ produce: () => this.userSetObject }),
      },
    });
    // Where the set travels is decided once the set is whole: before synthesis, when aspects run.
    Aspects.of(this).add({
      visit: (node) => {
        if (node === this) this.placeUserSet(props);
      },
    });
    // Connect only once the database (with its instances) is up and the network rules and endpoint exist.
    this.customResource.node.addDependency(database.availability, this.network, ...database.connections.securityGroups);

    // Each declaration is validated as it is added (addUserDeclaration); what only the whole set shows is its size.
    this.node.addValidation({
      validate: () =>
        provisionerCapacityProblems(this.userSpecs, this.encodedUserSet(), timeoutSeconds(), this.delivery(props)).map(
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
      engineVersion: this.database.engineVersion,
      masterUsername: this.database.masterUsername,
      adminUsername: this.adminUsername,
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
    this.encodedUserSetCache = undefined;
    return user;
  }

  /**
   * The set as it travels, encoded once per change of the set: synth reads it for the properties, the object, the
   * memory size and the capacity checks (10,000 users encode to 4 MiB).
   */
  private encodedUserSet(): string {
    return (this.encodedUserSetCache ??= encodeUserSpecs(this.wireUserSpecs()));
  }

  private delivery(props: DatabaseUserProvisionerProps): UserSetDelivery {
    return this.userSetObject !== undefined ? 'object' : chooseUserSetDelivery(this.encodedUserSet(), props.userSetDelivery);
  }

  /**
   * Puts a set that travels in an object into an S3 file asset named by its SHA-256 (so the same set is the same
   * object, and another set another one: the old object stays for a rollback), lets the Lambda read such objects,
   * and gives isolated subnets a way to S3.
   */
  private placeUserSet(props: DatabaseUserProvisionerProps): void {
    if (this.userSetAsset !== undefined) return;
    const encoded = this.encodedUserSet();
    if (chooseUserSetDelivery(encoded, props.userSetDelivery) !== 'object') return;
    const sha256 = userSetDigest(encoded);
    const folder = join(tmpdir(), 'rds-iam-mysql-user-sets', sha256);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `users${USER_SET_OBJECT_EXTENSION}`);
    writeFileSync(file, encoded);
    this.userSetAsset = new Asset(this, 'UserSet', { path: file, assetHash: sha256, assetHashType: AssetHashType.CUSTOM });
    // Not this one object only: an Update reads the previous set's object too (OldResourceProperties), and a rollback
    // Update reads both, while CloudFormation has already replaced this policy (the function depends on it) with the
    // one of the template it moves to. The rehearsal found a one-object grant denies the previous set at every change.
    // So: every user set object in the bootstrap bucket (64 hex characters of its hash, then our own extension).
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.userSetAsset.bucket.arnForObjects(USER_SET_OBJECT_KEYS)] }),
    );
    this.network.reachS3(props.createS3Endpoint);
    this.userSetObject = { Bucket: this.userSetAsset.s3BucketName, Key: this.userSetAsset.s3ObjectKey, Sha256: sha256 };
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

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExistingIamAuthDatabaseProperty } from '../contracts/existing-iam-auth-database/existing-iam-auth-database-properties';
import { PROVISIONER_RESOURCE_TYPE } from '../constructs/database-user-provisioner';
import { EXISTING_DATABASE_RESOURCE_TYPE } from '../contracts/existing-iam-auth-database/existing-iam-auth-database-properties';
import type { RunningEmulator } from '../emulator';
import { ProvisionerProperty } from '../contracts/provisioner/provisioner-properties';
import { writeJsonError } from './aws-request';
import { AwsValueShapes, partitionOf } from './aws-value-shapes';
import { readAssemblyStack, type AssemblyStack } from './cloud-assembly';
import { CustomResourceDriver } from './custom-resource-driver';
import { IntrinsicResolver, type PseudoParameters } from './intrinsic-functions';
import { lambdaFunctionDefinition, type LambdaFunctionDefinition } from './lambda-function';
import { LambdaService } from './lambda-service';
import { startLambdaApiStandIn } from './lambda-api-stand-in';
import { lambdaNodeBinary } from './lambda-node-runtime';
import { lambdaBaseEnvironment, runtimeProvidedModules, runtimeShimFile } from './lambda-runtime-environment';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';
import { NativeResourceValues } from './native-resource-values';
import { RdsApiStandIn } from './rds-api-stand-in';
import { RehearsedProxies } from './rehearsed-proxies';
import { ResponseRecorder } from './response-recorder';
import { DeclarationVariations } from './declaration-variations';
import { provisionerObjectReadGrants } from './object-read-grants';
import { iamResourceMatches } from './role-policy-grants';
import { S3StandIn } from './s3-stand-in';
import { SecretsManagerStandIn } from './secrets-manager-stand-in';
import { rdsManagedSecretString, simulateDatabase, type SimulatedDatabase } from './simulated-database';
import { SimulatedStack, type DeployedCustomResource, type PropertyOverride } from './simulated-stack';
import { stackDatabases, type StackDatabases } from './stack-databases';
import { StackResourceValues } from './stack-resource-values';
import type { StateMachineDefinition } from './state-machine-execution';
import { StepFunctionsStandIn } from './step-functions-stand-in';

/** The custom resources whose handlers are this package's: the ones the rehearsal runs. */
const REHEARSED_TYPES: ReadonlySet<string> = new Set([PROVISIONER_RESOURCE_TYPE, EXISTING_DATABASE_RESOURCE_TYPE]);

export interface RehearsalSessionOptions {
  /** The cloud assembly, e.g. `cdk.out`. */
  readonly assemblyDirectory: string;
  readonly stackName: string;
  /** The database server every simulated database lives on. */
  readonly server: RunningEmulator;
  /**
   * Stop waiting for a custom resource's response after this long.
   * @default - as long as the functions' own timeouts allow
   */
  readonly requestDeadlineMs?: number;
  /**
   * Fraction of each Step Functions Retry interval actually waited (the framework's waiter polls every 30 s).
   * @default 0.001
   */
  readonly waiterTimeScale?: number;
}

/**
 * Everything one rehearsal of a stack runs on: the stack read from the cloud assembly, its databases simulated on
 * the emulator, loopback stand-ins for Secrets Manager, RDS, Lambda, Step Functions and the ResponseURL's S3, the
 * template's functions run from their assets under the Lambda Node.js version, and CloudFormation's custom resource
 * handling on top.
 */
export class RehearsalSession {
  private constructor(
    readonly assembly: AssemblyStack,
    readonly pseudo: PseudoParameters,
    readonly shapes: AwsValueShapes,
    readonly databases: StackDatabases,
    readonly stack: SimulatedStack,
    readonly lambda: LambdaService,
    readonly secretsManager: SecretsManagerStandIn,
    readonly rds: RdsApiStandIn,
    readonly s3: S3StandIn,
    /** Edits of the declared user sets for the lifecycle's Updates, kept where the construct keeps each set. */
    readonly variations: DeclarationVariations,
    readonly stepFunctions: StepFunctionsStandIn,
    /** The stack's RDS Proxies in front of its databases, logged in through after each step that verifies users. */
    readonly proxies: RehearsedProxies,
    readonly recorder: ResponseRecorder,
    readonly unmodelledCalls: string[],
    private readonly servers: RunningEmulator[],
    private readonly closers: (() => Promise<void>)[],
  ) {}

  static async open(options: RehearsalSessionOptions): Promise<RehearsalSession> {
    const closers: (() => Promise<void>)[] = [];
    try {
      return await RehearsalSession.build(options, closers);
    } catch (error) {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      throw error;
    }
  }

  private static async build(options: RehearsalSessionOptions, closers: (() => Promise<void>)[]): Promise<RehearsalSession> {
    const assembly = await readAssemblyStack(options.assemblyDirectory, options.stackName);
    const shapes = new AwsValueShapes(`${assembly.account}/${assembly.region}/${assembly.stackName}`);
    const { partition, urlSuffix } = partitionOf(assembly.region);
    const pseudo: PseudoParameters = {
      partition,
      urlSuffix,
      region: assembly.region,
      accountId: assembly.account,
      stackName: assembly.stackName,
      stackId: `arn:${partition}:cloudformation:${assembly.region}:${assembly.account}:stack/${assembly.stackName}/${shapes.uuid('stack-id')}`,
    };
    const servers = [options.server];
    const databases = stackDatabases(assembly, pseudo, shapes, options.server);
    const allDatabases = (): SimulatedDatabase[] => [...databases.created.values(), ...databases.existing.values()];
    const native = new NativeResourceValues(assembly.template, pseudo, shapes, (logicalId) => databases.created.get(logicalId));
    const deployed = new Map<string, DeployedCustomResource>();
    const resolver = new IntrinsicResolver(assembly.template, pseudo, new StackResourceValues(assembly.template, native, deployed, REHEARSED_TYPES));

    const secretsManager = await SecretsManagerStandIn.start(assembly.region);
    closers.push(() => secretsManager.close());
    for (const database of allDatabases()) secretsManager.putSecret(database.masterSecretArn, rdsManagedSecretString(database));
    for (const [logicalId, resource] of Object.entries(assembly.template.Resources)) {
      if (resource.Type !== 'AWS::SecretsManager::Secret') continue;
      secretsManager.putSecret(native.ref(logicalId), JSON.stringify({ username: options.server.adminUser, password: options.server.adminPassword }));
    }
    const rds = await RdsApiStandIn.start(assembly.region, allDatabases);
    closers.push(() => rds.close());
    const stackHolder: { value?: SimulatedStack } = {};
    const s3 = await S3StandIn.start(assembly.region, partition, objectReadPolicy(assembly, resolver, () => stackHolder.value));
    closers.push(() => s3.close());
    publishUserSetObjects(assembly, resolver, s3);

    const workDirectory = await mkdtemp(join(tmpdir(), 'rds-iam-rehearsal-'));
    closers.push(() => rm(workDirectory, { recursive: true, force: true }));
    const [nodeBinary, nodePath, recorder] = await Promise.all([lambdaNodeBinary(), runtimeProvidedModules(workDirectory), ResponseRecorder.start()]);
    closers.push(() => recorder.close());
    const unmodelledCalls: string[] = [];
    const other = await startLoopbackServer((request, _body, response) => {
      unmodelledCalls.push(`${request.method} ${String(request.headers['x-amz-target'] ?? request.url).slice(0, 80)}`);
      writeJsonError(response, 400, 'UnrecognizedClientException', 'the rehearsal does not model this AWS service');
    });
    closers.push(() => other.close());

    const functions = functionCatalog(assembly, resolver, native);
    let endpoints: { lambda: LoopbackServer; stepFunctions: StepFunctionsStandIn } | undefined;
    const lambda = new LambdaService(
      {
        nodeBinary,
        shimFile: runtimeShimFile(),
        environment: () =>
          lambdaBaseEnvironment({
            region: assembly.region,
            nodeBinary,
            nodePath,
            endpoints: {
              lambda: endpoints?.lambda.url ?? other.url,
              stepFunctions: endpoints?.stepFunctions.url ?? other.url,
              secretsManager: secretsManager.url,
              rds: rds.url,
              s3: s3.url,
              other: other.url,
            },
            responseCaFile: recorder.caFile,
            responseRoute: recorder.route,
            databaseCaPem: servers.map((server) => server.caPem).join('\n'),
            shapes,
            emptyConfigFile: join(workDirectory, 'no-aws-config'),
          }),
      },
      functions,
    );
    closers.push(async () => lambda.shutdown());
    const lambdaApi = await startLambdaApiStandIn(lambda, assembly.region);
    closers.push(() => lambdaApi.close());
    const stepFunctions = await StepFunctionsStandIn.start(assembly.region, stateMachines(assembly, resolver, native), lambda, options.waiterTimeScale ?? 0.001);
    closers.push(() => stepFunctions.close());
    endpoints = { lambda: lambdaApi, stepFunctions };

    const session: { value?: RehearsalSession } = {};
    const driver = new CustomResourceDriver({
      lambda,
      recorder,
      stepFunctions,
      stackId: pseudo.stackId,
      region: assembly.region,
      secrets: () => session.value?.secrets() ?? [],
      requestDeadlineMs: options.requestDeadlineMs,
    });
    const stack = new SimulatedStack(assembly, resolver, driver, deployed, REHEARSED_TYPES);
    stackHolder.value = stack;
    const proxies = new RehearsedProxies(assembly.template, resolver, pseudo);
    closers.push(() => proxies.close());
    // The changing update keeps the users a proxy lets through, so every step logs in through it.
    const variations = new DeclarationVariations(s3, (username) => proxies.letsThrough(username));
    session.value = new RehearsalSession(
      assembly, pseudo, shapes, databases, stack, lambda, secretsManager, rds, s3, variations, stepFunctions, proxies, recorder, unmodelledCalls, servers, closers,
    );
    return session.value;
  }

  /** Values that must never appear in a response or a log line: every server's master password. */
  secrets(): string[] {
    return this.servers.map((server) => server.adminPassword);
  }

  /** The database servers in use, the first one first. */
  get databaseServers(): readonly RunningEmulator[] {
    return this.servers;
  }

  /** Every simulated database: those the template creates and those it takes by identifier. */
  allDatabases(): SimulatedDatabase[] {
    return [...this.databases.created.values(), ...this.databases.existing.values()];
  }

  /** The database a provisioner resource's properties point at: by resource id when they carry one, else by port. */
  databaseFor(properties: Readonly<Record<string, unknown>>): SimulatedDatabase | undefined {
    const resourceId = properties[ProvisionerProperty.DatabaseResourceId];
    const port = Number(properties[ProvisionerProperty.Port]);
    return this.allDatabases().find((database) => (typeof resourceId === 'string' ? database.resourceId === resourceId : database.port === port));
  }

  /**
   * Replaces every database with a new one on `server`: a template's cluster or instance gets a new identifier,
   * resource id and master secret (as a replacement by CloudFormation would); an existing database is swapped for
   * another one by changing the identifier the stack names (returned as property overrides to apply).
   */
  replaceDatabases(server: RunningEmulator): Map<string, PropertyOverride> {
    this.servers.push(server);
    // Running functions keep the CA list they started with; new ones trust the new server too.
    this.lambda.shutdown();
    const location = { partition: this.pseudo.partition, region: this.pseudo.region, accountId: this.pseudo.accountId };
    for (const [logicalId, old] of this.databases.created) {
      const identifier = this.shapes.generatedName(this.pseudo.stackName, `${logicalId}Replacement`, { maxLength: 63, lowerCase: true });
      const replacement = simulateDatabase({ kind: old.kind, identifier, engine: old.engine, server, iamAuthEnabled: old.iamAuthEnabled, location, shapes: this.shapes });
      this.databases.created.set(logicalId, replacement);
      this.secretsManager.putSecret(replacement.masterSecretArn, rdsManagedSecretString(replacement));
    }
    const overrides = new Map<string, PropertyOverride>();
    for (const logicalId of this.stack.customResources) {
      const properties = this.assembly.template.Resources[logicalId].Properties ?? {};
      const identifier = properties[ExistingIamAuthDatabaseProperty.Identifier];
      const old = typeof identifier === 'string' ? this.databases.existing.get(identifier) : undefined;
      if (old === undefined) continue;
      const newIdentifier = `${old.identifier.slice(0, 50)}-replacement`;
      const replacement = simulateDatabase({ kind: old.kind, identifier: newIdentifier, engine: old.engine, server, iamAuthEnabled: false, location, shapes: this.shapes });
      this.databases.existing.set(newIdentifier, replacement);
      this.secretsManager.putSecret(replacement.masterSecretArn, rdsManagedSecretString(replacement));
      overrides.set(logicalId, (resolved) => ({ ...resolved, [ExistingIamAuthDatabaseProperty.Identifier]: newIdentifier }));
    }
    return overrides;
  }

  /** Stops every stand-in and function process (not the servers: the caller owns them). */
  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined);
  }
}

/** Publishes the user sets the assembly keeps in file assets to the bucket and key their `UsersObject` names, as `cdk deploy` does. */
function publishUserSetObjects(assembly: AssemblyStack, resolver: IntrinsicResolver, s3: S3StandIn): void {
  for (const resource of Object.values(assembly.template.Resources)) {
    if (resource.Type !== PROVISIONER_RESOURCE_TYPE) continue;
    const object = resolver.resolve(resource.Properties?.[ProvisionerProperty.UsersObject]) as { Bucket?: unknown; Key?: unknown } | undefined;
    if (typeof object?.Bucket !== 'string' || typeof object.Key !== 'string') continue;
    const text = assembly.userSetObjects.get(object.Key);
    if (text !== undefined) s3.putObject(object.Bucket, object.Key, text);
  }
}

/**
 * Whether the provisioners' execution roles may read an object, by the template's `s3:GetObject` grants. A grant of
 * the object a provisioner's `UsersObject` names follows that resource's current properties: the template of an
 * edited declaration grants the edited set's object, and no longer the old one (as a redeploy would replace it).
 */
function objectReadPolicy(assembly: AssemblyStack, resolver: IntrinsicResolver, stack: () => SimulatedStack | undefined): (objectArn: string) => boolean {
  const grants = provisionerObjectReadGrants(assembly.template, resolver);
  const provisioners = Object.entries(assembly.template.Resources).filter(([, resource]) => resource.Type === PROVISIONER_RESOURCE_TYPE);
  const objectArn = (properties: Readonly<Record<string, unknown>> | undefined): string | undefined => {
    const object = properties?.[ProvisionerProperty.UsersObject] as { Bucket?: unknown; Key?: unknown } | undefined;
    const { partition } = partitionOf(assembly.region);
    return typeof object?.Bucket === 'string' && typeof object.Key === 'string' ? `arn:${partition}:s3:::${object.Bucket}/${object.Key}` : undefined;
  };
  // Only `UsersObject` is resolved here: the other properties may name resources not created yet.
  const synthesized = new Map(
    provisioners.map(([id, resource]) => [objectArn({ [ProvisionerProperty.UsersObject]: resolver.resolve(resource.Properties?.[ProvisionerProperty.UsersObject]) }), id]),
  );
  return (arn) =>
    grants.some((grant) => {
      const follows = synthesized.get(grant);
      const current = follows === undefined ? grant : (objectArn(stack()?.propertiesOf(follows)) ?? grant);
      return iamResourceMatches(current, arn);
    });
}

/** Every Node.js function of the template, by name or ARN, read from the assembly when first invoked. */
function functionCatalog(assembly: AssemblyStack, resolver: IntrinsicResolver, native: NativeResourceValues): { find(nameOrArn: string): LambdaFunctionDefinition | undefined } {
  const logicalIds = Object.entries(assembly.template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function').map(([id]) => id);
  const byKey = new Map<string, string>();
  for (const id of logicalIds) {
    byKey.set(native.ref(id), id);
    byKey.set(String(native.getAtt(id, 'Arn')), id);
  }
  const cache = new Map<string, LambdaFunctionDefinition>();
  return {
    find(nameOrArn) {
      const logicalId = byKey.get(nameOrArn);
      if (logicalId === undefined) return undefined;
      let definition = cache.get(logicalId);
      if (definition === undefined) {
        definition = lambdaFunctionDefinition(assembly, resolver, logicalId);
        cache.set(logicalId, definition);
      }
      return definition;
    },
  };
}

/** The template's state machines by ARN, with their definitions resolved. */
function stateMachines(assembly: AssemblyStack, resolver: IntrinsicResolver, native: NativeResourceValues): Map<string, StateMachineDefinition> {
  const machines = new Map<string, StateMachineDefinition>();
  for (const [logicalId, resource] of Object.entries(assembly.template.Resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const properties = resource.Properties ?? {};
    const definition =
      properties.DefinitionString !== undefined
        ? (JSON.parse(String(resolver.resolve(properties.DefinitionString))) as StateMachineDefinition)
        : (resolver.resolve(properties.Definition) as StateMachineDefinition);
    machines.set(native.ref(logicalId), definition);
  }
  return machines;
}

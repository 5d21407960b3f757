import { basename } from 'node:path';
import type { UserSetObjectTexts } from '../assembly/user-set-objects';
import type { DatabaseLookup } from '../client/rds-database-lookup';
import { ExistingIamAuthDatabaseProperty, EXISTING_DATABASE_RESOURCE_TYPE } from '../contracts/existing-iam-auth-database/existing-iam-auth-database-properties';
import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../contracts/provisioner/provisioner-properties';
import type { DatabaseEngineFamily, DatabaseUserSpec } from '../users/database-user-spec';
import { CliFailure } from './cli-context';
import { userSetOfTemplate } from './template-user-set';

/**
 * What `plan`, `apply` and `local` work on: one database of one stack, with its declared users. Read from a
 * synthesized template (`--stack NAME [--app cdk.out]`, `--template FILE`: any stack built with this library's
 * constructs) or, as a shortcut, from this repository's environments (`--env`). Reading a template loads no aws-cdk-lib.
 */
export interface DeclaredDatabase {
  /** For messages: `environment dev`, `stack Orders`. */
  readonly label: string;
  /** Set when the declaration is one of this repository's environments (`--env`). */
  readonly environmentName?: string;
  readonly stackName: string;
  /** @default - the AWS SDK's (AWS_REGION, profile) */
  readonly region?: string;
  readonly account?: string;
  readonly users: readonly DatabaseUserSpec[];
  /** @default - detected from the server */
  readonly engine?: DatabaseEngineFamily;
  /** How the RDS API finds the database. @default - not known from the template: `--cluster`/`--instance` say */
  readonly lookup?: DatabaseLookup;
  /** A master secret the declaration names (an existing database's); otherwise the RDS-managed one is looked up. */
  readonly masterSecretArn?: string;
  readonly masterUsername?: string;
}

export interface DeclarationFlags {
  /** An environment of this repository (app/environments). */
  readonly env?: string;
  /** A stack of the cloud assembly in `app`. */
  readonly stack?: string;
  /** A cloud assembly directory. @default 'cdk.out' */
  readonly app?: string;
  /** A synthesized template file. */
  readonly template?: string;
}

/** Which declaration the flags name: exactly one of `--env`, `--stack` and `--template` (which `--stack` may name). */
export async function readDeclaredDatabase(flags: DeclarationFlags): Promise<DeclaredDatabase> {
  if (flags.env !== undefined && (flags.stack !== undefined || flags.template !== undefined)) {
    throw new CliFailure('RDS_IAM_CLI_USAGE', 'give --env <name>, or --stack <name> (from --app <dir>) or --template <file>, not both');
  }
  if (flags.env !== undefined) return declaredDatabaseOfEnvironment(flags.env);
  if (flags.template !== undefined) {
    const { readFile } = await import('node:fs/promises');
    const body = await readFile(flags.template, 'utf8').catch((cause: unknown) => {
      throw new CliFailure('RDS_IAM_CLI_USAGE', `--template ${flags.template}: cannot read it (${(cause as Error).message})`, { cause });
    });
    const stackName = flags.stack ?? basename(flags.template).replace(/\.template\.json$/, '');
    const template = JSON.parse(body) as unknown;
    const { readUserSetObjectsBesideTemplate } = await import('../assembly/user-set-objects');
    const userSetObjects = await readUserSetObjectsBesideTemplate(flags.template, template).catch((cause: unknown) => {
      throw new CliFailure('RDS_IAM_CLI_USAGE', `--template ${flags.template}: ${(cause as Error).message}`, { cause });
    });
    return declaredDatabaseOfTemplate(template, { stackName, origin: flags.template, userSetObjects });
  }
  if (flags.stack !== undefined) {
    const directory = flags.app ?? 'cdk.out';
    const { readAssemblyStack } = await import('../rehearsal/cloud-assembly');
    const stack = await readAssemblyStack(directory, flags.stack).catch((cause: unknown) => {
      throw new CliFailure('RDS_IAM_CLI_USAGE', `--stack ${flags.stack}: ${(cause as Error).message}`, { cause });
    });
    return declaredDatabaseOfTemplate(stack.template, {
      stackName: stack.stackName,
      origin: `${directory}/${stack.stackName}`,
      ...stack.declaredEnvironment,
      userSetObjects: stack.userSetObjects,
    });
  }
  throw new CliFailure('RDS_IAM_CLI_USAGE', 'which declaration? give --stack <name> (from --app cdk.out), --template <file> or --env <name>');
}

/** This repository's environment, as the stack `npx cdk synth` makes of it would be read. */
export async function declaredDatabaseOfEnvironment(name: string): Promise<DeclaredDatabase> {
  // This repository's app is not part of the package: an installed rds-iam names stacks instead.
  const environments = await import('../../app/environments').catch((cause: unknown) => {
    throw new CliFailure(
      'RDS_IAM_CLI_USAGE',
      `--env ${name.slice(0, 64)}: --env names the environments of the rds-iam-mysql repository's own app, which an ` +
        'installed package does not include. Fix: give --stack <name> (from --app cdk.out) or --template <file>',
      { cause },
    );
  });
  const environment = environments.getEnvironment(name);
  const stackName = environments.environmentStackName(environment);
  const database = environment.database;
  const lookup: DatabaseLookup =
    database.kind === 'existing-cluster' ? { cluster: database.identifier }
      : database.kind === 'existing-instance' ? { instance: database.identifier }
        // A database the stack created has a generated identifier: found by the stack's tag.
        : { stack: { name: stackName, kind: database.kind === 'aurora-mysql-cluster' ? 'cluster' : 'instance' } };
  return {
    label: `environment ${environment.name}`,
    environmentName: environment.name,
    stackName,
    region: environment.region,
    account: environment.account,
    users: environments.environmentUserSpecs(environment),
    engine: environments.environmentEngine(environment),
    lookup,
    masterSecretArn: database.kind === 'existing-cluster' || database.kind === 'existing-instance' ? database.masterSecretArn : undefined,
    masterUsername: database.masterUsername,
  };
}

/**
 * A synthesized stack's database and users: the `Users` and `Engine` of its `Custom::RdsIamDatabaseUsers` resource;
 * the database is the existing one its `Custom::RdsIamAuthDatabase` names, or the cluster or instance the stack
 * creates (found by the stack's tag); a literal master secret ARN or master user name is taken when the template has one.
 */
export function declaredDatabaseOfTemplate(
  template: unknown,
  where: {
    readonly stackName: string;
    readonly origin: string;
    readonly account?: string;
    readonly region?: string;
    /** The texts of the user set objects the template names (`lib/assembly/user-set-objects.ts`). */
    readonly userSetObjects?: UserSetObjectTexts;
  },
): DeclaredDatabase {
  const userSet = userSetOfTemplate(JSON.stringify(template), where.origin, where.userSetObjects);
  if (!userSet.found) {
    throw new CliFailure(
      'RDS_IAM_CLI_USAGE',
      `${where.origin} has no ${PROVISIONER_RESOURCE_TYPE} resource: it declares no database users. Fix: name a stack ` +
        'that uses DatabaseUserProvisioner and IamDatabaseUser',
    );
  }
  const resources = Object.values((template as { Resources: Record<string, unknown> }).Resources).filter(isResource);
  const provisioner = resources.find((resource) => resource.Type === PROVISIONER_RESOURCE_TYPE);
  const engine = literal(provisioner?.Properties?.[ProvisionerProperty.Engine]);
  const masterSecretArn = literal(provisioner?.Properties?.[ProvisionerProperty.MasterSecretArn]);
  return {
    label: `stack ${where.stackName}`,
    stackName: where.stackName,
    account: where.account,
    region: where.region,
    users: userSet.users,
    engine: engine === 'mysql' || engine === 'mariadb' ? engine : undefined,
    lookup: databaseLookupOf(resources, where),
    masterSecretArn,
    masterUsername: resources.map((resource) => literal(resource.Properties?.MasterUsername)).find((name) => name !== undefined),
  };
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

function databaseLookupOf(resources: readonly TemplateResource[], where: { readonly stackName: string }): DatabaseLookup | undefined {
  const existing = resources.find((resource) => resource.Type === EXISTING_DATABASE_RESOURCE_TYPE);
  if (existing !== undefined) {
    const kind = literal(existing.Properties?.[ExistingIamAuthDatabaseProperty.Kind]);
    const identifier = literal(existing.Properties?.[ExistingIamAuthDatabaseProperty.Identifier]);
    if (identifier !== undefined) return kind === 'instance' ? { instance: identifier } : { cluster: identifier };
  }
  if (resources.some((resource) => resource.Type === 'AWS::RDS::DBCluster')) return { stack: { name: where.stackName, kind: 'cluster' } };
  if (resources.some((resource) => resource.Type === 'AWS::RDS::DBInstance')) return { stack: { name: where.stackName, kind: 'instance' } };
  // Imported with fromDatabaseClusterAttributes and the like: the template does not say which database it is.
  return undefined;
}

function isResource(value: unknown): value is TemplateResource {
  return typeof value === 'object' && value !== null && typeof (value as { Type?: unknown }).Type === 'string';
}

/** A property's value when the template holds it as a plain string (not a Ref, GetAtt or Join). */
function literal(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

import { basename } from 'node:path';
import type { UserSetObjectTexts } from '../assembly/user-set-objects';
import type { DatabaseLookup } from '../client/rds-database-lookup';
import { ExistingIamAuthDatabaseProperty, EXISTING_DATABASE_RESOURCE_TYPE } from '../contracts/existing-iam-auth-database/existing-iam-auth-database-properties';
import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../contracts/provisioner/provisioner-properties';
import type { DatabaseEngineFamily, DatabaseUserSpec } from '../users/database-user-spec';
import { CliFailure } from './cli-context';
import { userSetOfTemplate } from './template-user-set';
import { literalString, templateResources } from '../review/cloudformation-template';
import { connectGrantsOf } from '../review/connect-grants';
import { referencedLogicalIds } from '../rehearsal/cloudformation-template';

/**
 * What `plan`, `apply` and `local` work on: one database of one stack, with its declared users. Read from a
 * synthesized template (`--stack NAME [--app cdk.out]`, `--template FILE`, or `--env NAME` for the stack its app named
 * that environment: any stack built with this library's constructs). Reading a template loads no aws-cdk-lib.
 */
export interface DeclaredDatabase {
  /** For messages: `environment dev`, `stack Orders`. */
  readonly label: string;
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
  /** The IAM admin user the stack's provisioner logs in as (`adminUser`), instead of the master. */
  readonly adminIamUsername?: string;
  /** The stack's RDS Proxy, when it has one with a literal name. */
  readonly proxy?: DeclaredProxy;
}

/** An `AWS::RDS::DBProxy` of the stack, as `connect --env NAME --proxy` and `local` use it. */
export interface DeclaredProxy {
  /** Its `DBProxyName`. */
  readonly name: string;
  /** The database users some principal may connect as through it (its rds-db:connect grants on the proxy), sorted. */
  readonly usernames: readonly string[];
}

export interface DeclarationFlags {
  /** The environment the app named a stack of the assembly in `app` (`nameStackEnvironment`). */
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
  const directory = flags.app ?? 'cdk.out';
  if (flags.env !== undefined) {
    const { environmentStackName } = await import('./environment-stack');
    const stackName = await environmentStackName(directory, flags.env);
    return { ...(await declaredDatabaseOfStack(directory, stackName)), label: `environment ${flags.env}` };
  }
  if (flags.stack !== undefined) return declaredDatabaseOfStack(directory, flags.stack);
  throw new CliFailure('RDS_IAM_CLI_USAGE', 'which declaration? give --stack <name> (from --app cdk.out), --template <file> or --env <name>');
}

async function declaredDatabaseOfStack(directory: string, stackName: string): Promise<DeclaredDatabase> {
  const { readAssemblyStack } = await import('../rehearsal/cloud-assembly');
  const stack = await readAssemblyStack(directory, stackName).catch((cause: unknown) => {
    throw new CliFailure('RDS_IAM_CLI_USAGE', `--stack ${stackName}: ${(cause as Error).message}`, { cause });
  });
  return declaredDatabaseOfTemplate(stack.template, {
    stackName: stack.stackName,
    origin: `${directory}/${stack.stackName}`,
    ...stack.declaredEnvironment,
    userSetObjects: stack.userSetObjects,
  });
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
  const engine = literalString(provisioner?.Properties?.[ProvisionerProperty.Engine]);
  const masterSecretArn = literalString(provisioner?.Properties?.[ProvisionerProperty.MasterSecretArn]);
  return {
    label: `stack ${where.stackName}`,
    stackName: where.stackName,
    account: where.account,
    region: where.region,
    users: userSet.users,
    engine: engine === 'mysql' || engine === 'mariadb' ? engine : undefined,
    lookup: databaseLookupOf(resources, where),
    masterSecretArn,
    adminIamUsername: literalString(provisioner?.Properties?.[ProvisionerProperty.AdminIamUsername]),
    masterUsername: resources.map((resource) => literalString(resource.Properties?.MasterUsername)).find((name) => name !== undefined),
    proxy: declaredProxyOf(template, where.origin),
  };
}

/**
 * The stack's RDS Proxy with a literal name, and the users its rds-db:connect grants name through it (the access
 * review's reading of the template's policies).
 */
function declaredProxyOf(template: unknown, origin: string): DeclaredProxy | undefined {
  const resources = templateResources(template, origin);
  const proxy = resources.find((resource) => resource.type === 'AWS::RDS::DBProxy' && literalString(resource.properties.DBProxyName) !== undefined);
  if (proxy === undefined) return undefined;
  const usernames = connectGrantsOf(resources)
    .filter((grant) => referencedLogicalIds(grant.resource.resourceId).has(proxy.logicalId))
    .map((grant) => grant.resource.username);
  return { name: proxy.properties.DBProxyName as string, usernames: [...new Set(usernames)].sort() };
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

function databaseLookupOf(resources: readonly TemplateResource[], where: { readonly stackName: string }): DatabaseLookup | undefined {
  const existing = resources.find((resource) => resource.Type === EXISTING_DATABASE_RESOURCE_TYPE);
  if (existing !== undefined) {
    const kind = literalString(existing.Properties?.[ExistingIamAuthDatabaseProperty.Kind]);
    const identifier = literalString(existing.Properties?.[ExistingIamAuthDatabaseProperty.Identifier]);
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

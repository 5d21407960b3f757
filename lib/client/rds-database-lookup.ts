import type { RDSClient } from '@aws-sdk/client-rds';
import { describeRdsDatabase, findRdsDatabaseByTag, isNotFoundFault, type RdsDatabaseDescription, type RdsDatabaseKind } from '../rds/rds-database-description';
import { ClientOptionsError, DatabaseNotFoundError, IamAuthDisabledError } from './client-errors';

/**
 * Finds a database's endpoint, port and IAM-authentication state through the RDS API, so callers name a cluster or
 * instance instead of copying endpoints around.
 */

/** Which database to look up: exactly one of `cluster`, `instance` or `stack`. */
export interface DatabaseLookup {
  /** A DB cluster identifier (Aurora). */
  readonly cluster?: string;
  /** A DB instance identifier (RDS for MySQL / MariaDB, or one Aurora instance). */
  readonly instance?: string;
  /** A CloudFormation stack name: the cluster or instance carrying its `aws:cloudformation:stack-name` tag. */
  readonly stack?: { readonly name: string; readonly kind: 'cluster' | 'instance' };
  /**
   * Use the cluster's reader endpoint instead of its writer endpoint.
   * @default false
   */
  readonly reader?: boolean;
}

/** What a connection needs to know about the database. */
export interface IamDatabase {
  readonly kind: 'cluster' | 'instance';
  readonly identifier: string;
  /** Writer endpoint (or reader endpoint when asked for). */
  readonly endpoint: string;
  readonly port: number;
  /** `aurora-mysql`, `mysql` or `mariadb`. */
  readonly engine: string;
  readonly masterUsername?: string;
  /** The RDS-managed master secret, when the database has one. */
  readonly masterUserSecretArn?: string;
}

const STACK_NAME_TAG = 'aws:cloudformation:stack-name';

/**
 * Looks the database up and checks that IAM authentication is on. Throws {@link DatabaseNotFoundError} when nothing
 * matches and {@link IamAuthDisabledError} (with the command that turns it on) when IAM authentication is off.
 */
export async function describeIamDatabase(lookup: DatabaseLookup, client: RDSClient): Promise<IamDatabase> {
  const chosen = [lookup.cluster, lookup.instance, lookup.stack].filter((value) => value !== undefined).length;
  if (chosen !== 1) {
    throw new ClientOptionsError('name exactly one database: a cluster identifier, an instance identifier or a stack');
  }
  return usableIamDatabase(await findDatabase(lookup, client), lookup.reader ?? false);
}

const NOT_FOUND_HINT: Readonly<Record<RdsDatabaseKind, string>> = {
  cluster: 'is it an instance rather than a cluster?',
  instance: 'is it an Aurora cluster rather than an instance?',
};

async function findDatabase(lookup: DatabaseLookup, client: RDSClient): Promise<RdsDatabaseDescription> {
  if (lookup.stack !== undefined) {
    const { name, kind } = lookup.stack;
    const found = await findRdsDatabaseByTag(client, kind, STACK_NAME_TAG, name);
    if (found === undefined) throw notFound(`a DB ${kind} of stack ${JSON.stringify(name)}`, 'is the stack deployed in this account and region?');
    return found;
  }
  const [kind, identifier] = lookup.cluster !== undefined ? (['cluster', lookup.cluster] as const) : (['instance', lookup.instance as string] as const);
  const what = `DB ${kind} ${JSON.stringify(identifier)}`;
  const found = await describeRdsDatabase(client, kind, identifier).catch((cause: unknown) => {
    throw isNotFoundFault(cause, kind) ? notFound(what, NOT_FOUND_HINT[kind], cause) : cause;
  });
  if (found === undefined) throw notFound(what, NOT_FOUND_HINT[kind]);
  return found;
}

/** Checks that IAM authentication is on and an endpoint exists, and picks the endpoint asked for. */
function usableIamDatabase(database: RdsDatabaseDescription, reader: boolean): IamDatabase {
  const what = `DB ${database.kind} ${JSON.stringify(database.identifier)}`;
  const modify = database.kind === 'cluster' ? `modify-db-cluster --db-cluster-identifier` : `modify-db-instance --db-instance-identifier`;
  requireIamAuth(database.iamAuthEnabled, what, `aws rds ${modify} ${database.identifier} --enable-iam-database-authentication --apply-immediately`);
  const useReader = reader && database.kind === 'cluster';
  const endpoint = useReader ? database.readerEndpoint : database.endpoint;
  if (endpoint === undefined || endpoint === '' || database.port === 0) {
    const which = database.kind === 'cluster' ? `the ${useReader ? 'reader' : 'writer'} endpoint` : 'the endpoint';
    throw notFound(`${which} of ${what}`, 'is it still being created?');
  }
  return {
    kind: database.kind,
    identifier: database.identifier,
    endpoint,
    port: database.port,
    engine: database.engine,
    masterUsername: database.masterUsername,
    masterUserSecretArn: database.masterUserSecretArn,
  };
}

function requireIamAuth(enabled: boolean, what: string, command: string): void {
  if (enabled) return;
  throw new IamAuthDisabledError(
    `${what} has IAM database authentication turned off, so RDS would refuse every IAM token. Fix: turn it on ` +
      `(CDK: iamAuthentication: true, or deploy this project's stack; CLI: ${command}).`,
  );
}

function notFound(what: string, hint: string, cause?: unknown): DatabaseNotFoundError {
  return new DatabaseNotFoundError(`found no ${what} in this account and region (${hint})`, cause === undefined ? undefined : { cause });
}

import type { RDSClient } from '@aws-sdk/client-rds';
import { DatabaseNotFoundError } from '../../lib/client/client-errors';
import {
  ExistingIamAuthDatabaseAttribute,
  type ExistingIamAuthDatabaseAttributes,
  type ExistingIamAuthDatabaseProperties,
  ExistingIamAuthDatabaseProperty,
  type ExistingIamAuthDatabaseDeleteEvent,
  type ExistingIamAuthDatabaseEvent,
  type FoundDatabase,
  formatPhysicalResourceId,
  parseExistingIamAuthDatabaseEvent,
  parsePhysicalResourceId,
} from '../../lib/contracts/existing-iam-auth-database';
import { ExistingIamAuthDatabaseError } from './existing-iam-auth-database-error';
import { DescribedDatabase, describeDatabase, requestIamAuthentication, setDatabaseTag } from './rds-database';

/**
 * The tag this resource sets on a database before it turns IAM authentication on, valued with the stack's id. RDS
 * keeps it, so a repeated delivery of the same event (Lambda may deliver one more than once), or an isComplete poll,
 * still knows IAM authentication was off before this stack, and answers the same physical id.
 */
export const IAM_AUTH_ENABLED_BY_TAG = 'rds-iam-mysql:iam-auth-enabled-by';

/**
 * The Provider framework's two handlers for `ExistingIamAuthDatabase`: `onEvent` reads the database and asks RDS to
 * turn IAM authentication on (or, on deletion, back off when declared); `isComplete` is polled by the framework's
 * state machine until RDS has applied it, so no Lambda waits out a modification.
 */

export interface ExistingIamAuthDatabaseContext {
  readonly rds: RDSClient;
  readonly log: (entry: Readonly<Record<string, unknown>>) => void;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: ExistingIamAuthDatabaseAttributes;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: ExistingIamAuthDatabaseAttributes;
}

/** Parse → act → respond: turns IAM authentication on (or, on a Delete, back off when declared) and answers the id. */
export async function onEvent(rawEvent: unknown, context: ExistingIamAuthDatabaseContext): Promise<OnEventResponse> {
  const event = parseExistingIamAuthDatabaseEvent(rawEvent);
  if (event.RequestType === 'Delete') {
    const restore = restoreTarget(event);
    if (restore !== undefined) await turnOffWhenReady(context, restore);
    return { PhysicalResourceId: event.PhysicalResourceId };
  }

  const database = await describeSupported(context, event.ResourceProperties);
  if (readyForChange(database) && !database.iamAuthEnabled) {
    await enableIamAuthentication(context, database, event.StackId);
  } else {
    context.log({ event: 'found', kind: database.kind, identifier: database.identifier, iamAuthEnabled: database.iamAuthEnabled, status: database.status });
  }
  return { PhysicalResourceId: physicalResourceId(event, database), Data: attributesOf(database) };
}

/** Parse → act → respond: complete once RDS has applied the change (or, on a Delete, restored it). */
export async function isComplete(rawEvent: unknown, context: ExistingIamAuthDatabaseContext): Promise<IsCompleteResponse> {
  const event = parseExistingIamAuthDatabaseEvent(rawEvent);
  if (event.RequestType === 'Delete') {
    const restore = restoreTarget(event);
    if (restore === undefined) return { IsComplete: true };
    const database = await describeDatabase(context.rds, restore.kind, restore.identifier);
    if (database === undefined) return { IsComplete: true };
    if (readyForChange(database) && !database.iamAuthEnabled) return { IsComplete: true };
    await turnOffWhenReady(context, restore, database);
    return { IsComplete: false };
  }

  const database = await describeSupported(context, event.ResourceProperties);
  if (readyForChange(database) && database.iamAuthEnabled) {
    return { IsComplete: true, Data: attributesOf(database) };
  }
  if (readyForChange(database)) {
    // onEvent found the database busy, or RDS has not shown the request yet: asking again is harmless.
    await enableIamAuthentication(context, database, event.StackId);
  }
  return { IsComplete: false };
}

/** A database that exists, is of the declared engine, is not an Aurora instance, and has a master secret to use. */
async function describeSupported(context: ExistingIamAuthDatabaseContext, properties: ExistingIamAuthDatabaseProperties): Promise<DescribedDatabase> {
  const kind = properties[ExistingIamAuthDatabaseProperty.Kind];
  const identifier = properties[ExistingIamAuthDatabaseProperty.Identifier];
  const declaredEngine = properties[ExistingIamAuthDatabaseProperty.Engine];
  const database = await describeDatabase(context.rds, kind, identifier);
  const what = `${kind} ${JSON.stringify(identifier)}`;
  if (database === undefined) {
    const other = kind === 'cluster' ? 'an instance (use instanceIdentifier)' : 'an Aurora cluster (use clusterIdentifier)';
    throw new DatabaseNotFoundError(`DB ${what} does not exist in this account and region; check the identifier, or is it ${other}?`);
  }
  if (database.clusterIdentifier !== undefined) {
    throw new ExistingIamAuthDatabaseError(
      'RDS_IAM_DATABASE_UNSUPPORTED',
      `DB instance ${JSON.stringify(identifier)} belongs to Aurora cluster ${JSON.stringify(database.clusterIdentifier)}; import the cluster instead (clusterIdentifier)`,
    );
  }
  const engineFamily = database.engine === 'aurora-mysql' ? 'mysql' : database.engine;
  if (engineFamily !== declaredEngine) {
    throw new ExistingIamAuthDatabaseError(
      'RDS_IAM_DATABASE_UNSUPPORTED',
      `DB ${what} runs engine ${JSON.stringify(database.engine)}, but the declaration says ${JSON.stringify(declaredEngine)}; ` +
        'only Aurora MySQL, RDS for MySQL and RDS for MariaDB are supported, and the declared engine must match',
    );
  }
  if (!properties[ExistingIamAuthDatabaseProperty.MasterSecretDeclared] && database.masterUserSecretArn === undefined) {
    throw new ExistingIamAuthDatabaseError(
      'RDS_IAM_NO_MASTER_SECRET',
      `DB ${what} has no RDS-managed master secret (MasterUserSecret); declare masterSecret (the ARN of a secret with the master username and password)`,
    );
  }
  return database;
}

function readyForChange(database: DescribedDatabase): boolean {
  return database.status === 'available' && !database.iamAuthChangePending;
}

/** Keeps the physical id (and so what was found) across updates of the same database; a new database gets a new one. */
function physicalResourceId(event: Exclude<ExistingIamAuthDatabaseEvent, ExistingIamAuthDatabaseDeleteEvent>, database: DescribedDatabase): string {
  if (event.RequestType === 'Update') {
    const previous = parsePhysicalResourceId(event.PhysicalResourceId);
    if (previous !== undefined && previous.kind === database.kind && previous.identifier === database.identifier) {
      return event.PhysicalResourceId;
    }
  }
  return formatPhysicalResourceId(database.kind, database.identifier, database.iamAuthEnabled && database.tags.get(IAM_AUTH_ENABLED_BY_TAG) !== event.StackId);
}

/** Tags the database as enabled by this stack, then asks RDS to turn IAM authentication on. */
async function enableIamAuthentication(context: ExistingIamAuthDatabaseContext, database: DescribedDatabase, stackId: string): Promise<void> {
  if (database.tags.get(IAM_AUTH_ENABLED_BY_TAG) !== stackId) await setDatabaseTag(context.rds, database, IAM_AUTH_ENABLED_BY_TAG, stackId);
  const requested = await requestIamAuthentication(context.rds, database.kind, database.identifier, true);
  context.log({ event: 'enable-iam-auth', kind: database.kind, identifier: database.identifier, requested });
}

/** On deletion: the database to turn IAM authentication back off on, when declared and when it was off. */
function restoreTarget(event: ExistingIamAuthDatabaseDeleteEvent): FoundDatabase | undefined {
  const found = parsePhysicalResourceId(event.PhysicalResourceId);
  const restore = event.ResourceProperties?.[ExistingIamAuthDatabaseProperty.RestoreOnDelete] === true;
  return found !== undefined && restore && !found.iamAuthWasOn ? found : undefined;
}

async function turnOffWhenReady(
  context: ExistingIamAuthDatabaseContext,
  target: FoundDatabase,
  described?: DescribedDatabase,
): Promise<void> {
  const database = described ?? (await describeDatabase(context.rds, target.kind, target.identifier));
  if (database === undefined || !readyForChange(database) || !database.iamAuthEnabled) return;
  const requested = await requestIamAuthentication(context.rds, target.kind, target.identifier, false);
  if (requested && database.tags.has(IAM_AUTH_ENABLED_BY_TAG)) await setDatabaseTag(context.rds, database, IAM_AUTH_ENABLED_BY_TAG, undefined);
  context.log({ event: 'restore-iam-auth-off', kind: target.kind, identifier: target.identifier, requested });
}

function attributesOf(database: DescribedDatabase): ExistingIamAuthDatabaseAttributes {
  return {
    [ExistingIamAuthDatabaseAttribute.ResourceId]: database.resourceId,
    [ExistingIamAuthDatabaseAttribute.Endpoint]: database.endpoint,
    [ExistingIamAuthDatabaseAttribute.Port]: String(database.port),
    [ExistingIamAuthDatabaseAttribute.MasterSecretArn]: database.masterUserSecretArn ?? '',
  };
}

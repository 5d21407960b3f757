import type { RDSClient } from '@aws-sdk/client-rds';
import { z } from 'zod';
import {
  DatabaseIamAuthAttribute,
  DatabaseIamAuthProperties,
  DatabaseIamAuthProperty,
  databaseIamAuthPropertiesSchema,
  formatPhysicalResourceId,
  parsePhysicalResourceId,
} from '../../lib/constructs/database-iam-auth-properties';
import { DatabaseIamAuthError } from './database-iam-auth-error';
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

export interface DatabaseIamAuthContext {
  readonly rds: RDSClient;
  readonly log: (entry: Readonly<Record<string, unknown>>) => void;
}

const eventSchema = z.discriminatedUnion('RequestType', [
  z.object({ RequestType: z.literal('Create'), StackId: z.string(), ResourceProperties: z.record(z.unknown()), PhysicalResourceId: z.string().optional() }),
  z.object({ RequestType: z.literal('Update'), StackId: z.string(), ResourceProperties: z.record(z.unknown()), PhysicalResourceId: z.string() }),
  z.object({ RequestType: z.literal('Delete'), StackId: z.string(), ResourceProperties: z.record(z.unknown()), PhysicalResourceId: z.string() }),
]);

type CustomResourceEvent = z.infer<typeof eventSchema>;
type Attributes = Record<(typeof DatabaseIamAuthAttribute)[keyof typeof DatabaseIamAuthAttribute], string>;

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Attributes;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Attributes;
}

export async function onEvent(rawEvent: unknown, context: DatabaseIamAuthContext): Promise<OnEventResponse> {
  const event = parseEvent(rawEvent);
  if (event.RequestType === 'Delete') {
    const restore = restoreTarget(event);
    if (restore !== undefined) await turnOffWhenReady(context, restore);
    return { PhysicalResourceId: event.PhysicalResourceId };
  }

  const properties = parseProperties(event.ResourceProperties);
  const database = await describeSupported(context, properties);
  if (readyForChange(database) && !database.iamAuthEnabled) {
    await enableIamAuthentication(context, database, event.StackId);
  } else {
    context.log({ action: 'found', kind: database.kind, identifier: database.identifier, iamAuthEnabled: database.iamAuthEnabled, status: database.status });
  }
  return { PhysicalResourceId: physicalResourceId(event, database), Data: attributesOf(database) };
}

export async function isComplete(rawEvent: unknown, context: DatabaseIamAuthContext): Promise<IsCompleteResponse> {
  const event = parseEvent(rawEvent);
  if (event.RequestType === 'Delete') {
    const restore = restoreTarget(event);
    if (restore === undefined) return { IsComplete: true };
    const database = await describeDatabase(context.rds, restore.kind, restore.identifier);
    if (database === undefined) return { IsComplete: true };
    if (readyForChange(database) && !database.iamAuthEnabled) return { IsComplete: true };
    await turnOffWhenReady(context, restore, database);
    return { IsComplete: false };
  }

  const properties = parseProperties(event.ResourceProperties);
  const database = await describeSupported(context, properties);
  if (readyForChange(database) && database.iamAuthEnabled) {
    return { IsComplete: true, Data: attributesOf(database) };
  }
  if (readyForChange(database)) {
    // onEvent found the database busy, or RDS has not shown the request yet: asking again is harmless.
    await enableIamAuthentication(context, database, event.StackId);
  }
  return { IsComplete: false };
}

function parseEvent(rawEvent: unknown): CustomResourceEvent {
  const parsed = eventSchema.safeParse(rawEvent);
  if (!parsed.success) {
    throw new DatabaseIamAuthError(
      'RDS_IAM_INVALID_IMPORT_EVENT',
      `not a custom resource event: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

function parseProperties(properties: Record<string, unknown>): DatabaseIamAuthProperties {
  const parsed = databaseIamAuthPropertiesSchema.safeParse(properties);
  if (!parsed.success) {
    throw new DatabaseIamAuthError(
      'RDS_IAM_INVALID_IMPORT_EVENT',
      `invalid ResourceProperties: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** A database that exists, is of the declared engine, is not an Aurora instance, and has a master secret to use. */
async function describeSupported(context: DatabaseIamAuthContext, properties: DatabaseIamAuthProperties): Promise<DescribedDatabase> {
  const kind = properties[DatabaseIamAuthProperty.Kind];
  const identifier = properties[DatabaseIamAuthProperty.Identifier];
  const declaredEngine = properties[DatabaseIamAuthProperty.Engine];
  const database = await describeDatabase(context.rds, kind, identifier);
  const what = `${kind} ${JSON.stringify(identifier)}`;
  if (database === undefined) {
    const other = kind === 'cluster' ? 'an instance (use instanceIdentifier)' : 'an Aurora cluster (use clusterIdentifier)';
    throw new DatabaseIamAuthError('RDS_IAM_DATABASE_NOT_FOUND', `DB ${what} does not exist in this account and region; check the identifier, or is it ${other}?`);
  }
  if (database.clusterIdentifier !== undefined) {
    throw new DatabaseIamAuthError(
      'RDS_IAM_DATABASE_UNSUPPORTED',
      `DB instance ${JSON.stringify(identifier)} belongs to Aurora cluster ${JSON.stringify(database.clusterIdentifier)}; import the cluster instead (clusterIdentifier)`,
    );
  }
  const engineFamily = database.engine === 'aurora-mysql' ? 'mysql' : database.engine;
  if (engineFamily !== declaredEngine) {
    throw new DatabaseIamAuthError(
      'RDS_IAM_DATABASE_UNSUPPORTED',
      `DB ${what} runs engine ${JSON.stringify(database.engine)}, but the declaration says ${JSON.stringify(declaredEngine)}; ` +
        'only Aurora MySQL, RDS for MySQL and RDS for MariaDB are supported, and the declared engine must match',
    );
  }
  if (!properties[DatabaseIamAuthProperty.MasterSecretDeclared] && database.masterUserSecretArn === undefined) {
    throw new DatabaseIamAuthError(
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
function physicalResourceId(event: CustomResourceEvent, database: DescribedDatabase): string {
  if (event.RequestType === 'Update') {
    const previous = parsePhysicalResourceId(event.PhysicalResourceId);
    if (previous !== undefined && previous.kind === database.kind && previous.identifier === database.identifier) {
      return event.PhysicalResourceId;
    }
  }
  return formatPhysicalResourceId(database.kind, database.identifier, database.iamAuthEnabled && database.tags.get(IAM_AUTH_ENABLED_BY_TAG) !== event.StackId);
}

/** Tags the database as enabled by this stack, then asks RDS to turn IAM authentication on. */
async function enableIamAuthentication(context: DatabaseIamAuthContext, database: DescribedDatabase, stackId: string): Promise<void> {
  if (database.tags.get(IAM_AUTH_ENABLED_BY_TAG) !== stackId) await setDatabaseTag(context.rds, database, IAM_AUTH_ENABLED_BY_TAG, stackId);
  const requested = await requestIamAuthentication(context.rds, database.kind, database.identifier, true);
  context.log({ action: 'enable-iam-auth', kind: database.kind, identifier: database.identifier, requested });
}

/** On deletion: the database to turn IAM authentication back off on, when declared and when it was off. */
function restoreTarget(event: CustomResourceEvent): ReturnType<typeof parsePhysicalResourceId> {
  const found = parsePhysicalResourceId(event.PhysicalResourceId ?? '');
  const properties = databaseIamAuthPropertiesSchema.safeParse(event.ResourceProperties);
  const restore = properties.success && properties.data[DatabaseIamAuthProperty.RestoreOnDelete];
  return found !== undefined && restore && !found.iamAuthWasOn ? found : undefined;
}

async function turnOffWhenReady(
  context: DatabaseIamAuthContext,
  target: NonNullable<ReturnType<typeof parsePhysicalResourceId>>,
  described?: DescribedDatabase,
): Promise<void> {
  const database = described ?? (await describeDatabase(context.rds, target.kind, target.identifier));
  if (database === undefined || !readyForChange(database) || !database.iamAuthEnabled) return;
  const requested = await requestIamAuthentication(context.rds, target.kind, target.identifier, false);
  if (requested && database.tags.has(IAM_AUTH_ENABLED_BY_TAG)) await setDatabaseTag(context.rds, database, IAM_AUTH_ENABLED_BY_TAG, undefined);
  context.log({ action: 'restore-iam-auth-off', kind: target.kind, identifier: target.identifier, requested });
}

function attributesOf(database: DescribedDatabase): Attributes {
  return {
    [DatabaseIamAuthAttribute.ResourceId]: database.resourceId,
    [DatabaseIamAuthAttribute.Endpoint]: database.endpoint,
    [DatabaseIamAuthAttribute.Port]: String(database.port),
    [DatabaseIamAuthAttribute.MasterSecretArn]: database.masterUserSecretArn ?? '',
  };
}

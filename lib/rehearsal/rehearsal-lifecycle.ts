import { PROVISIONER_RESOURCE_TYPE } from '../constructs/database-user-provisioner';
import { EXISTING_DATABASE_RESOURCE_TYPE } from '../contracts/existing-iam-auth-database/existing-iam-auth-database-properties';
import type { RunningEmulator } from '../emulator';
import {
  accountSnapshot,
  accountStatementCount,
  snapshotDifference,
  verifyDeclaredUsers,
  verifyUsersAbsent,
  type AccountSnapshot,
  type VerifyOptions,
} from './database-inspection';
import { describeRequests, type StepResult } from './rehearsal-report';
import type { RehearsalSession } from './rehearsal-session';
import type { InvocationOutcome } from './lambda-container';
import type { StackOperationResult } from './simulated-stack';

/** What a step body returns: the operations it ran and what it found wrong. */
interface StepBody {
  readonly results: readonly StackOperationResult[];
  readonly problems: readonly string[];
}

export interface LifecycleOptions {
  /** Starts the server a replacement moves the database to. */
  readonly startReplacementServer: () => Promise<RunningEmulator>;
  /** Called with each step as it ends. */
  readonly onStep?: (step: StepResult) => void;
  /**
   * `whole`: every step below. `core`: create, the unchanged update, the changing update and a delete that must
   * leave the database as found — for sets so large that the whole lifecycle would take too long.
   * @default 'whole'
   */
  readonly scope?: 'whole' | 'core';
  /** @see VerifyOptions.loginSample */
  readonly loginSample?: number;
}

/**
 * CloudFormation's lifecycle of the stack's custom resources against the emulator, each step judged by what was
 * PUT to the ResponseURL and by the database itself:
 * create; an update with unchanged properties; an update that changes users; a failed update and its rollback; a
 * replacement (another database); an endpoint change for the same database; delete; a failed create and its
 * rollback; a create again after that rollback; delete. Every event is delivered twice (as a retry would) and must
 * get the same answer.
 */
export async function runLifecycle(session: RehearsalSession, options: LifecycleOptions): Promise<StepResult[]> {
  const { stack } = session;
  const { changedUserSet, failingUserSet } = session.variations;
  const verifyDeployed = (on: RehearsalSession) => verifyDeployedUsers(on, { loginSample: options.loginSample });
  const declaredUsers = (properties: Readonly<Record<string, unknown>>) => session.variations.declaredUsers(properties);
  stack.repeatEvents = true;
  const users = stack.customResources.filter((id) => stack.typeOf(id) === PROVISIONER_RESOURCE_TYPE);
  const existingDatabases = stack.customResources.filter((id) => stack.typeOf(id) === EXISTING_DATABASE_RESOURCE_TYPE);
  const steps: StepResult[] = [];
  const step = async (name: string, body: () => Promise<StepBody>): Promise<void> => {
    const result = await runStep(session, name, body);
    steps.push(result);
    options.onStep?.(result);
  };
  // Each server as the rehearsal found it, taken when it joins.
  const baseline = new Map<RunningEmulator, AccountSnapshot>();
  for (const server of session.databaseServers) baseline.set(server, await accountSnapshot(server));

  /** Deletes the stack; users declared `retain` stay by design, anything else the rehearsal added must be gone. */
  const deleteLeavingAsFound = async (): Promise<StepBody> => {
    const declared = users.flatMap((id) => declaredUsers(stack.deployed.get(id)?.properties ?? {}));
    const retained = new Set(declared.filter((user) => user.removalPolicy === 'retain').map((user) => user.username));
    const result = await stack.delete();
    const leftOver: string[] = [];
    for (const server of session.databaseServers) {
      const difference = snapshotDifference(baseline.get(server) ?? [], await accountSnapshot(server));
      leftOver.push(...difference.filter((line) => ![...retained].some((name) => line.includes(`'${name}'@`) || line.includes(` ${name}@`))));
    }
    return { results: [result], problems: [...expect(result, true), ...leftOver.slice(0, 20).map((line) => `left behind: ${line}`)] };
  };

  let created = false;
  await step('create', async () => {
    const result = await stack.create();
    created = result.succeeded;
    return { results: [result], problems: [...expect(result, true), ...(result.succeeded ? await verifyDeployed(session) : [])] };
  });
  // Without a created stack there is nothing to update or delete.
  if (!created) return steps;

  await step('update, properties unchanged', async () => {
    const before = await snapshots(session);
    const result = await stack.update({ force: users });
    const problems = [...expect(result, true), ...samePhysicalIds(result), ...(await unchangedSince(session, before)), ...(await verifyDeployed(session))];
    return { results: [result], problems };
  });

  await step('update, users changed', async () => {
    const removed = users.flatMap((id) => removedUsernames(declaredUsers(stack.propertiesOf(id)), declaredUsers(changedUserSet(stack.propertiesOf(id)))));
    for (const id of users) stack.overrides.set(id, changedUserSet);
    const result = await stack.update();
    // A failed update leaves the stack on its old template.
    if (!result.succeeded) for (const id of users) stack.overrides.delete(id);
    const absent = await Promise.all(session.databaseServers.map((server) => verifyUsersAbsent(server, removed)));
    return { results: [result], problems: [...expect(result, true), ...samePhysicalIds(result), ...(await verifyDeployed(session)), ...absent.flat()] };
  });
  if (options.scope === 'core') {
    await step('delete, leaving the database as found', deleteLeavingAsFound);
    return steps;
  }

  await step('failed update, rolled back', async () => {
    const before = await snapshots(session);
    for (const id of users) stack.overrides.set(id, (properties) => failingUserSet(changedUserSet(properties)));
    const result = await stack.update();
    for (const id of users) stack.overrides.set(id, changedUserSet);
    const problems = [...expect(result, false), ...rolledBack(result), ...(await unchangedSince(session, before)), ...(await verifyDeployed(session))];
    return { results: [result], problems };
  });

  await step('replacement (another database)', async () => {
    const oldServers = [...session.databaseServers];
    const leaving = users.flatMap((id) => declaredUsers(stack.propertiesOf(id)).filter((user) => user.removalPolicy === 'drop').map((user) => user.username));
    const server = await options.startReplacementServer();
    baseline.set(server, await accountSnapshot(server));
    const overrides = session.replaceDatabases(server);
    for (const [id, override] of overrides) stack.overrides.set(id, override);
    const result = await stack.update({ force: existingDatabases });
    const cleanups = result.requests.filter((request) => request.phase === 'cleanup');
    const problems = [...expect(result, true), ...(await verifyDeployed(session))];
    if (result.succeeded && cleanups.length === 0) problems.push('no clean-up Delete of the old physical id: the users stay on the old database');
    for (const server of oldServers) problems.push(...(await verifyUsersAbsent(server, leaving)).map((line) => `old database: ${line}`));
    return { results: [result], problems };
  });

  await step('endpoint change, same database', async () => {
    for (const database of session.allDatabases()) database.endpointHost = database.endpointHost === '127.0.0.1' ? 'localhost' : '127.0.0.1';
    const result = await stack.update({ force: existingDatabases });
    const problems = [...expect(result, true), ...samePhysicalIds(result), ...(await verifyDeployed(session))];
    if (!result.requests.some((request) => request.outcome.request.logicalId !== undefined && users.includes(request.outcome.request.logicalId))) {
      problems.push('the endpoint change reached no provisioner resource');
    }
    return { results: [result], problems };
  });

  await step('delete', async () => {
    const declared = users.flatMap((id) => declaredUsers(stack.deployed.get(id)?.properties ?? {}));
    const result = await stack.delete();
    const dropped = declared.filter((user) => user.removalPolicy === 'drop').map((user) => user.username);
    const absent = await Promise.all(session.databaseServers.map((server) => verifyUsersAbsent(server, dropped)));
    return { results: [result], problems: [...expect(result, true), ...absent.flat()] };
  });

  for (const id of users) stack.overrides.set(id, failingUserSet);
  await step('failed create, rolled back', async () => {
    const before = await snapshots(session);
    const result = await stack.create();
    const problems = [...expect(result, false), ...(await unchangedSince(session, before))];
    if (!result.requests.some((request) => request.phase === 'rollback')) problems.push('CloudFormation sent no rollback Delete');
    return { results: [result], problems };
  });
  for (const id of users) stack.overrides.delete(id);

  await step('create again after the rollback', async () => {
    const result = await stack.create();
    return { results: [result], problems: [...expect(result, true), ...(result.succeeded ? await verifyDeployed(session) : [])] };
  });

  await step('delete, leaving the database as found', deleteLeavingAsFound);
  return steps;
}

async function runStep(session: RehearsalSession, name: string, body: () => Promise<StepBody>): Promise<StepResult> {
  const startedAt = Date.now();
  const unmodelledBefore = session.unmodelledCalls.length;
  const countBefore = await statementCount(session);
  let outcome: StepBody;
  try {
    outcome = await body();
  } catch (error) {
    outcome = { results: [], problems: [`the rehearsal could not run this step: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`] };
  }
  const requests = outcome.results.flatMap((result) => result.requests.map((request) => request.outcome));
  const problems = [
    ...outcome.problems,
    ...requests.flatMap((request) => request.problems.map((problem) => `${request.request.requestType} ${request.request.logicalId}: ${problem}`)),
    ...session.unmodelledCalls.slice(unmodelledBefore).map((call) => `a function called an AWS API the rehearsal does not model: ${call}`),
    ...overMemory(requests.flatMap((request) => request.invocations)),
  ];
  return {
    name,
    ok: problems.length === 0,
    startedAt,
    durationMs: Date.now() - startedAt,
    statements: (await statementCount(session)) - countBefore,
    requests: describeRequests(outcome.results),
    problems,
    modelledWaitSeconds: requests.reduce((sum, request) => sum + request.modelledWaitSeconds, 0),
    largestEventBytes: Math.max(0, ...requests.map((request) => Buffer.byteLength(JSON.stringify(request.event)))),
    largestResponseBytes: Math.max(0, ...requests.map((request) => request.responseBytes ?? 0)),
    maxMemoryUsedBytes: maxOf(requests.flatMap((request) => request.invocations.map((invocation) => invocation.maxMemoryUsedBytes))),
  };
}

/** Problems when a function's environment used more memory than its MemorySize: Lambda would have stopped it. */
function overMemory(invocations: readonly InvocationOutcome[]): string[] {
  const over = invocations.filter((invocation) => (invocation.maxMemoryUsedBytes ?? 0) > invocation.memorySizeMb * 1024 * 1024);
  return [...new Map(over.map((invocation) => [invocation.functionName, invocation])).values()].map(
    (invocation) =>
      `${invocation.functionName} used ${Math.ceil((invocation.maxMemoryUsedBytes ?? 0) / 1024 / 1024)} MiB, more than its MemorySize of ` +
      `${invocation.memorySizeMb} MB: Lambda stops it (Runtime.OutOfMemory). Fix: raise the function's memory`,
  );
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}

async function statementCount(session: RehearsalSession): Promise<number> {
  const counts = await Promise.all(session.databaseServers.map((server) => accountStatementCount(server)));
  return counts.reduce((sum, count) => sum + count, 0);
}

async function snapshots(session: RehearsalSession): Promise<AccountSnapshot[]> {
  return Promise.all(session.databaseServers.map((server) => accountSnapshot(server)));
}

async function unchangedSince(session: RehearsalSession, before: readonly AccountSnapshot[]): Promise<string[]> {
  const after = await snapshots(session);
  return after.flatMap((snapshot, index) => snapshotDifference(before[index] ?? [], snapshot)).slice(0, 20).map((line) => `changed: ${line}`);
}

/** How much of a failure's reason a step's line shows: the head, which names the user, the statement and the fix. */
const SHOWN_REASON_CHARACTERS = 600;

/** The head of a reason, marked when cut (unmarked, a cut inside an SDK's message looked like an empty one). */
function shownReason(reason: string): string {
  return reason.length <= SHOWN_REASON_CHARACTERS ? reason : `${reason.slice(0, SHOWN_REASON_CHARACTERS)}… (${reason.length} characters)`;
}

/** Problems when the operation did not end as it should, with the first failure's reason. */
function expect(result: StackOperationResult, shouldSucceed: boolean): string[] {
  if (result.succeeded === shouldSucceed) return [];
  const failed = result.requests.find((request) => request.outcome.status !== 'SUCCESS')?.outcome;
  const why = failed === undefined ? '' : `: ${failed.request.requestType} ${failed.status}${failed.reason === undefined ? '' : ` (${shownReason(failed.reason)})`}`;
  return [`the stack ${result.operation} ${shouldSucceed ? 'failed' : 'succeeded, but it had to fail'}${why}`];
}

/** Problems when an Update returned a new physical id (CloudFormation would then delete the old one). */
function samePhysicalIds(result: StackOperationResult): string[] {
  return result.requests
    .filter((request) => request.phase === 'forward' && request.outcome.request.requestType === 'Update' && request.outcome.status === 'SUCCESS')
    .filter((request) => request.outcome.physicalResourceId !== request.outcome.request.physicalResourceId)
    .map(
      (request) =>
        `${request.outcome.request.logicalId}: the Update changed the physical id from ${request.outcome.request.physicalResourceId ?? ''} to ` +
        `${request.outcome.physicalResourceId ?? ''}, so CloudFormation deletes the old one`,
    );
}

/** Problems when a rollback request failed. */
function rolledBack(result: StackOperationResult): string[] {
  const rollbacks = result.requests.filter((request) => request.phase === 'rollback');
  if (rollbacks.length === 0) return ['CloudFormation sent no rollback request'];
  return rollbacks.filter((request) => request.outcome.status !== 'SUCCESS').map((request) => `the rollback ${request.outcome.request.requestType} answered ${request.outcome.status}`);
}

/**
 * Each deployed provisioner resource: its users log in with IAM tokens and hold exactly their grants, IAM auth is on,
 * and the RDS Proxies in front of its database let the users their grants name through.
 */
async function verifyDeployedUsers(session: RehearsalSession, options: VerifyOptions): Promise<string[]> {
  const problems: string[] = [];
  for (const [logicalId, deployed] of session.stack.deployed) {
    if (session.stack.typeOf(logicalId) !== PROVISIONER_RESOURCE_TYPE) continue;
    const database = session.databaseFor(deployed.properties);
    if (database === undefined) {
      problems.push(`${logicalId}: its properties name no database of the rehearsal`);
      continue;
    }
    if (!database.iamAuthEnabled) problems.push(`${database.kind} ${database.identifier}: IAM database authentication is off, so no token would log in on RDS`);
    const declared = session.variations.declaredUsers(deployed.properties);
    problems.push(...(await verifyDeclaredUsers(database.server, declared, options)).map((line) => `${logicalId}: ${line}`));
    const usernames = declared.map((user) => user.username);
    problems.push(...(await session.proxies.verify(database, usernames, options)).map((line) => `${logicalId}: ${line}`));
  }
  return problems;
}

function removedUsernames(before: readonly { username: string; removalPolicy: string }[], after: readonly { username: string }[]): string[] {
  const kept = new Set(after.map((user) => user.username));
  return before.filter((user) => !kept.has(user.username) && user.removalPolicy === 'drop').map((user) => user.username);
}

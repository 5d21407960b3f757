import { performance } from 'node:perf_hooks';
import type { Connection } from 'mysql2/promise';
import { planUserChanges, PlanCounts, PlanOperation, UserChangePlan } from '../planner/plan-user-changes';
import type { PlannedStatement } from '../planner/user-statements';
import type { DatabaseEngineFamily, DatabaseUserSpec } from '../users/database-user-spec';
import { validateUserSpecs } from '../users/validate-user-specs';
import type { LiveUserState } from '../planner/live-user-state';
import { SERVER_STALLED } from './master-connection';
import { detectServer, readLiveUserState, ServerTraits } from './read-live-user-state';
import { readServerNotes } from './server-notes';

/** One structured log entry; the caller decides where it goes (the Lambda prints one JSON line each). */
export type ConvergeLogEntry = Readonly<Record<string, unknown>> & { readonly event: string };

export interface ConvergeUsersOptions {
  /** The users as declared now; for `remove`, the users being removed. */
  readonly desired: readonly DatabaseUserSpec[];
  /** The users as declared by the last successful deploy. */
  readonly previous: readonly DatabaseUserSpec[];
  readonly operation: PlanOperation;
  /** Name of the master user, which no declaration may use. */
  readonly masterUsername: string;
  /**
   * Plan only: read the live state and return the statements without running any.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Receives one entry per statement executed, and a summary.
   * @default - no logging
   */
  readonly log?: (entry: ConvergeLogEntry) => void;
  /**
   * Called once the plan is made, before any statement runs, with the live state it was made from: the provisioner
   * keeps both to undo a Create that fails half-way.
   */
  readonly onPlanned?: (planned: { readonly plan: UserChangePlan; readonly live: ReadonlyMap<string, LiveUserState> }) => void;
}

export interface ConvergeResult {
  readonly server: ServerTraits;
  readonly plan: UserChangePlan;
  readonly counts: PlanCounts;
  /** Statements run: all of the plan's, or none for a dry run. */
  readonly executed: number;
  readonly dryRun: boolean;
}

/** What usually lies behind a server error, by mysql2 error code. */
const STATEMENT_FAILURE_HINTS: Readonly<Record<string, string>> = {
  ER_NO_SUCH_TABLE: 'a table-level grant needs the table to exist: create it first, or grant on the database (db.*)',
  ER_PLUGIN_IS_NOT_LOADED: 'the server has no AWSAuthenticationPlugin: IAM database authentication is not enabled on this database',
  ER_DBACCESS_DENIED_ERROR: 'the master user cannot grant this privilege on this target',
  ER_ACCESS_DENIED_ERROR: 'the master user cannot grant this privilege',
  ER_SPECIFIC_ACCESS_DENIED_ERROR: 'the master user lacks the privilege this statement needs',
  ER_LOCK_WAIT_TIMEOUT: 'another session holds a lock on the grant tables: find it with SHOW PROCESSLIST',
  [SERVER_STALLED]: 'the server stopped answering mid-statement: check its health (CPU, storage, locks) and deploy again',
};

/** A statement of the plan failed; the ones before it were applied and a re-run converges from there. */
export class StatementFailedError extends Error {
  public readonly code = 'RDS_IAM_STATEMENT_FAILED';
  /** How many statements ran before this one. */
  public readonly executedBefore: number;
  constructor(
    public readonly statement: PlannedStatement,
    /** The statements that ran before this one, in order. */
    public readonly executedStatements: readonly PlannedStatement[],
    public readonly total: number,
    options: { cause: unknown },
  ) {
    const executedBefore = executedStatements.length;
    const code = String((options.cause as { code?: unknown })?.code ?? '');
    const hint = STATEMENT_FAILURE_HINTS[code];
    const reason = `${options.cause instanceof Error ? options.cause.message : String(options.cause)}${hint === undefined ? '' : ` (${hint})`}`;
    super(
      `statement ${executedBefore + 1} of ${total} (${statement.kind} for user '${statement.username}') failed: ${statement.sql}: ${reason}. ` +
        `The ${executedBefore} statement(s) before it were applied; fix the cause and deploy again, which converges from the current state.`,
      options,
    );
    this.executedBefore = executedBefore;
    this.name = 'StatementFailedError';
  }
}

/**
 * The declaration validated against the live server: its engine and version decide the privileges (MySQL's dynamic
 * ones differ between 8.0, 8.4 and 9.7), the master user name comes
 * from the secret (so it is checked here even when synth could not know it), and the previously deployed set is
 * read leniently (`declaredBefore`): a deploy that drops a grant the rules now refuse must be able to run. Runs
 * before any statement that carries a declared name.
 */
function validateAgainstServer(options: ConvergeUsersOptions, server: ServerTraits) {
  const context = { engine: server.engine, engineVersion: server.version, masterUsername: options.masterUsername };
  return {
    desired: validateUserSpecs(options.desired, context, 'users'),
    previous: validateUserSpecs(options.previous, { ...context, declaredBefore: true }, 'previousUsers'),
  };
}

/**
 * Brings the server's users to the declaration on one connection: validate, read the live state, plan (pure),
 * then run the statements one after the other, stopping at the first failure. Shared by the provisioner Lambda
 * and the CLI's `plan` (dry run) and `apply`.
 */
export async function convergeUsers(connection: Connection, options: ConvergeUsersOptions): Promise<ConvergeResult> {
  const log = options.log ?? ((): void => undefined);
  // Reads only the server's version and settings: no declared name reaches the server before validation.
  const server = await detectServer(connection);
  const { desired, previous } = validateAgainstServer(options, server);
  const usernames = [...new Set([...desired, ...previous].map((user) => user.username))];
  const live = await readLiveUserState(connection, usernames);
  const plan = planUserChanges({
    engine: server.engine,
    desired,
    previous,
    live,
    operation: options.operation,
    identifierCase: server.identifierCase,
  });
  for (const user of plan.leftAloneUsers) log({ event: 'user-left-alone', username: user.username, reason: user.reason });
  for (const username of plan.retainedUsers) log({ event: 'user-retained', username });
  options.onPlanned?.({ plan, live });

  const dryRun = options.dryRun ?? false;
  const executed = dryRun ? 0 : await runStatements(connection, plan.statements, log, server.engine);
  log({
    event: dryRun ? 'planned' : 'converged',
    operation: options.operation,
    engine: server.engine,
    counts: plan.counts,
    executed,
    changedUsers: plan.changedUsers,
  });
  return { server, plan, counts: plan.counts, executed, dryRun };
}

/**
 * Runs statements one after the other on one connection, one log entry each with its duration, stopping at the
 * first failure with a {@link StatementFailedError} that says how many ran. Returns how many ran.
 * A statement that leaves notes gets them in its entry, read by code for the engine (when given): a known one
 * (`meaning`: the user already existed, or was already gone: someone changed it since the live state was read)
 * is expected; any other is also logged as a `warning` entry.
 */
export async function runStatements(
  connection: Connection,
  statements: readonly PlannedStatement[],
  log: (entry: ConvergeLogEntry) => void,
  engine?: DatabaseEngineFamily,
): Promise<number> {
  for (const [index, statement] of statements.entries()) {
    const start = performance.now();
    let result: unknown;
    try {
      [result] = await connection.query(statement.sql);
    } catch (cause) {
      log({ event: 'statement-failed', kind: statement.kind, username: statement.username, sql: statement.sql });
      throw new StatementFailedError(statement, statements.slice(0, index), statements.length, { cause });
    }
    const durationMs = Math.round((performance.now() - start) * 10) / 10;
    const notes = engine === undefined ? [] : await readServerNotes(connection, result, engine);
    log({
      event: 'statement',
      kind: statement.kind,
      username: statement.username,
      sql: statement.sql,
      durationMs,
      ...(notes.length > 0 ? { notes } : {}),
    });
    for (const note of notes.filter((candidate) => candidate.meaning === undefined)) {
      log({ event: 'warning', username: statement.username, sql: statement.sql, level: note.level, code: note.code, message: note.message });
    }
  }
  return statements.length;
}

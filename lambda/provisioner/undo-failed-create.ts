import type { Connection } from 'mysql2/promise';
import { runStatements, StatementFailedError } from '../../lib/provisioning/converge-users';
import { undoStatements } from '../../lib/planner/user-statements';
import type { ProvisionerProgress } from './provisioner-progress';

export interface UndoContext {
  /** The connection the Create ran on; it may be broken by the very failure being undone. */
  readonly connection: Connection;
  /** Opens a fresh master connection when the first one is gone. */
  readonly reconnect: () => Promise<Connection>;
  readonly log: (entry: Readonly<Record<string, unknown>>) => void;
  readonly progress: ProvisionerProgress;
}

/**
 * Takes back, last first, the statements a failed Create ran, so the database is as it was before it. Returns true
 * when it is (nothing ran, or every undo statement ran); false when the undo could not finish — then the physical id
 * the Create answers with sends CloudFormation's rollback Delete to finish it.
 */
export async function undoFailedCreate(failure: unknown, context: UndoContext): Promise<boolean> {
  if (!(failure instanceof StatementFailedError)) return true; // failed before its first statement ran
  const executed = failure.executedStatements;
  // The failing statement is in doubt: a connection lost after the server ran it (say a CREATE USER) reports a
  // failure for a change that happened. Its undo runs first, and may find nothing to undo.
  const inDoubt = failure.statement.undo;
  if (executed.length === 0 && inDoubt === undefined) return true;
  const irreversible = executed.filter((statement) => statement.undo === undefined);
  for (const statement of irreversible) {
    context.log({ event: 'undo-impossible', username: statement.username, kind: statement.kind, reason: 'an adopted user keeps IAM authentication: its old password is not known' });
  }
  const undo = undoStatements(executed);
  context.log({ event: 'undo-started', statements: undo.length, afterFailureOf: failure.statement.kind, username: failure.statement.username });
  context.progress.stage = `undoing the ${executed.length} statement(s) the failed Create ran`;
  let connection = context.connection;
  let opened: Connection | undefined;
  try {
    try {
      await connection.query('SELECT 1');
    } catch {
      opened = await context.reconnect();
      connection = opened;
    }
    if (inDoubt !== undefined) {
      // Idempotent for a CREATE USER (DROP USER IF EXISTS); a REVOKE or GRANT back of a change that did not happen
      // is refused by the server, which is what "nothing to undo" looks like.
      await runStatements(connection, [inDoubt], (entry) => context.log({ ...entry, undo: true, inDoubt: true })).catch(() => {
        context.log({ event: 'undo-in-doubt-skipped', kind: inDoubt.kind, username: inDoubt.username, reason: 'the failed statement had not taken effect' });
      });
    }
    await runStatements(connection, undo, (entry) => context.log({ ...entry, undo: true }));
    context.log({ event: 'undo-finished', statements: undo.length });
    return irreversible.length === 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.log({ event: 'undo-failed', message: message.slice(0, 500), reason: "CloudFormation's rollback Delete finishes it" });
    return false;
  } finally {
    if (opened !== undefined) await opened.end().catch(() => opened?.destroy());
  }
}

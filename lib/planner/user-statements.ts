import { escape, escapeId } from './mysql2-escape';
import type { DatabaseEngineFamily } from '../users/database-user-spec';
import { IAM_AUTH_PLUGIN, IAM_AUTH_STRING, USER_HOST } from '../users/database-user-spec';
import { UnexpectedServerStateError } from './planner-errors';
import { ServerGrantTarget, serverGrantTargetSql } from './server-grant-target';

/**
 * SQL text of every statement the provisioner runs. User names and strings go through mysql2's `escape`,
 * identifiers through `escapeId` (in {@link serverGrantTargetSql}); nothing is interpolated raw.
 */

export type PlannedStatementKind = 'create-user' | 'alter-user' | 'grant' | 'revoke' | 'drop-user';

/** One statement of a plan, with the user it changes (for structured logs). */
export interface PlannedStatement {
  readonly sql: string;
  readonly username: string;
  readonly kind: PlannedStatementKind;
  /**
   * The statement that takes this one back, used to undo a failed Create; absent where none can (converting a
   * password user to IAM loses the password; a dropped user's grants are gone).
   */
  readonly undo?: PlannedStatement;
}

/** `GRANT OPTION` as it appears in a REVOKE. */
export const GRANT_OPTION = 'GRANT OPTION';

/**
 * Privilege names are keywords and cannot be quoted. Declared ones come from the validated catalogue; names read
 * from the server must still look like keywords (`BINLOG MONITOR`, `BACKUP_ADMIN`) before they reach SQL.
 */
const PRIVILEGE_KEYWORDS = /^[A-Z][A-Z_]*( [A-Z][A-Z_]*)*$/;

/** `SELECT, INSERT`, or for a column target `SELECT (`col`), INSERT (`col`)`. */
function privilegeList(privileges: readonly string[], target: ServerGrantTarget): string {
  for (const privilege of privileges) {
    if (!PRIVILEGE_KEYWORDS.test(privilege)) {
      throw new UnexpectedServerStateError(`privilege name ${JSON.stringify(privilege)} is not a plain SQL keyword`);
    }
  }
  if (target.level !== 'column') return privileges.join(', ');
  return privileges.map((privilege) => `${privilege} (${escapeId(target.column, true)})`).join(', ');
}

function account(username: string): string {
  return `${escape(username)}@${escape(USER_HOST)}`;
}

/** Each engine's documented spelling (MariaDB also accepts MySQL's, but RDS documents VIA/USING for it). */
function iamIdentification(engine: DatabaseEngineFamily): string {
  return engine === 'mariadb'
    ? `IDENTIFIED VIA ${IAM_AUTH_PLUGIN} USING ${escape(IAM_AUTH_STRING)}`
    : `IDENTIFIED WITH ${IAM_AUTH_PLUGIN} AS ${escape(IAM_AUTH_STRING)}`;
}

function requireClause(requireSsl: boolean): string {
  return requireSsl ? 'REQUIRE SSL' : 'REQUIRE NONE';
}

/** Creates an IAM user with its TLS requirement in one statement (both engines accept REQUIRE in CREATE USER). */
export function createUserStatement(engine: DatabaseEngineFamily, username: string, requireSsl: boolean): PlannedStatement {
  return {
    kind: 'create-user',
    username,
    sql: `CREATE USER IF NOT EXISTS ${account(username)} ${iamIdentification(engine)} ${requireClause(requireSsl)}`,
    undo: dropUserStatement(username),
  };
}

/** Converts an existing user to IAM authentication (only when the declaration opts in with `adoptExistingUser`). */
export function adoptUserStatement(engine: DatabaseEngineFamily, username: string, requireSsl: boolean): PlannedStatement {
  return {
    kind: 'alter-user',
    username,
    sql: `ALTER USER ${account(username)} ${iamIdentification(engine)} ${requireClause(requireSsl)}`,
  };
}

function requireSslOnly(username: string, requireSsl: boolean): PlannedStatement {
  return { kind: 'alter-user', username, sql: `ALTER USER ${account(username)} ${requireClause(requireSsl)}` };
}

export function requireSslStatement(username: string, requireSsl: boolean): PlannedStatement {
  return { ...requireSslOnly(username, requireSsl), undo: requireSslOnly(username, !requireSsl) };
}

function grantOnly(username: string, target: ServerGrantTarget, privileges: readonly string[], withGrantOption: boolean): PlannedStatement {
  return {
    kind: 'grant',
    username,
    sql: `GRANT ${privilegeList(privileges, target)} ON ${serverGrantTargetSql(target)} TO ${account(username)}${withGrantOption ? ' WITH GRANT OPTION' : ''}`,
  };
}

function revokeOnly(username: string, target: ServerGrantTarget, privileges: readonly string[]): PlannedStatement {
  return {
    kind: 'revoke',
    username,
    sql: `REVOKE ${privilegeList(privileges, target)} ON ${serverGrantTargetSql(target)} FROM ${account(username)}`,
  };
}

export function grantStatement(username: string, target: ServerGrantTarget, privileges: readonly string[]): PlannedStatement {
  return { ...grantOnly(username, target, privileges, false), undo: revokeOnly(username, target, privileges) };
}

/** Revokes privileges (and `GRANT OPTION`, which may be listed with them, except on a column) on one target. */
export function revokeStatement(username: string, target: ServerGrantTarget, privileges: readonly string[]): PlannedStatement {
  const regranted = privileges.filter((privilege) => privilege !== GRANT_OPTION);
  const undo = regranted.length > 0 ? grantOnly(username, target, regranted, regranted.length < privileges.length) : undefined;
  return { ...revokeOnly(username, target, privileges), ...(undo === undefined ? {} : { undo }) };
}

/** The statements that take back `executed`, last first. */
export function undoStatements(executed: readonly PlannedStatement[]): PlannedStatement[] {
  return [...executed].reverse().flatMap((statement) => (statement.undo === undefined ? [] : [statement.undo]));
}

export function dropUserStatement(username: string): PlannedStatement {
  return { kind: 'drop-user', username, sql: `DROP USER IF EXISTS ${account(username)}` };
}

import type { DatabaseEngineFamily } from '../users/database-user-spec';
import { IAM_AUTH_PLUGIN } from '../users/database-user-spec';
import type { ValidatedUser } from '../users/validate-user-specs';
import { absentUser, LiveUserState, SSL_TYPE_REQUIRE_NONE, SSL_TYPE_REQUIRE_SSL } from './live-user-state';
import { UserTakeoverError } from './planner-errors';
import { diffUserPrivileges } from './privilege-diff';
import type { IdentifierCase } from './server-grant-target';
import {
  PlannedStatement,
  adoptUserStatement,
  createUserStatement,
  dropUserStatement,
  grantStatement,
  requireSslStatement,
  revokeStatement,
} from './user-statements';

/**
 * The pure heart of the provisioner: desired + previously declared + live state → the statements that make the
 * server match the declaration. No I/O, so the Lambda, the CLI's `plan` and the unit tests all get the same answer.
 */

/** `converge` makes the server match `desired` (Create, Update); `remove` takes the declaration away (Delete). */
export type PlanOperation = 'converge' | 'remove';

export interface PlanUserChangesInput {
  readonly engine: DatabaseEngineFamily;
  /** The users as declared now (for `remove`: the users being removed). */
  readonly desired: readonly ValidatedUser[];
  /** The users as declared by the last successful deploy; those missing from `desired` are dropped unless retained. */
  readonly previous: readonly ValidatedUser[];
  /** Live state of every user name in `desired` and `previous`; a missing entry means the user does not exist. */
  readonly live: ReadonlyMap<string, LiveUserState>;
  readonly operation: PlanOperation;
  /**
   * `lower` when the server runs with `lower_case_table_names` = 1 and reports database and table names in lower case.
   * @default 'exact'
   */
  readonly identifierCase?: IdentifierCase;
}

/** How many statements of each kind the plan holds, and what it deliberately leaves alone. */
export interface PlanCounts {
  readonly created: number;
  readonly altered: number;
  readonly granted: number;
  readonly revoked: number;
  readonly dropped: number;
  /** Users removed from the declaration (or the stack) but kept because they were declared with `retain`. */
  readonly retained: number;
  /** Declared users that already match: no statement. */
  readonly unchanged: number;
  /** Users due to be dropped that do not authenticate with IAM, so were not made by this project: left alone. */
  readonly leftAlone: number;
}

export interface LeftAloneUser {
  readonly username: string;
  readonly reason: string;
}

export interface UserChangePlan {
  /** In execution order: creates, alters and grants, then revokes, then re-grants (see PrivilegeDiff), then drops. */
  readonly statements: readonly PlannedStatement[];
  /** Users that at least one statement changes, in first-change order. */
  readonly changedUsers: readonly string[];
  readonly retainedUsers: readonly string[];
  readonly leftAloneUsers: readonly LeftAloneUser[];
  readonly counts: PlanCounts;
}

function usesIamAuthentication(live: LiveUserState): boolean {
  return live.plugin?.toLowerCase() === IAM_AUTH_PLUGIN.toLowerCase();
}

/** Computes the statements; throws {@link UserTakeoverError} (before anything runs) for users it must not take over. */
export function planUserChanges(input: PlanUserChangesInput): UserChangePlan {
  const liveOf = (username: string): LiveUserState => input.live.get(username) ?? absentUser(username);
  const early: PlannedStatement[] = [];
  const revokes: PlannedStatement[] = [];
  const regrants: PlannedStatement[] = [];
  const drops: PlannedStatement[] = [];
  const retainedUsers: string[] = [];
  const leftAloneUsers: LeftAloneUser[] = [];
  const refused: { username: string; plugin: string }[] = [];
  let unchanged = 0;

  const keptByConverge = new Set(input.operation === 'converge' ? input.desired.map((user) => user.username) : []);
  if (input.operation === 'converge') {
    for (const user of input.desired) {
      const live = liveOf(user.username);
      const before = early.length + revokes.length;
      if (live.exists && !usesIamAuthentication(live) && !user.adoptExistingUser) {
        refused.push({ username: user.username, plugin: live.plugin ?? 'unknown' });
        continue;
      }
      early.push(...userStatements(input.engine, user, live));
      const diff = diffUserPrivileges(input.engine, user, live, input.identifierCase ?? 'exact');
      early.push(...diff.grants.map((grant) => grantStatement(user.username, grant.target, grant.privileges)));
      revokes.push(...diff.revokes.map((revoke) => revokeStatement(user.username, revoke.target, revoke.privileges)));
      regrants.push(...diff.regrants.map((grant) => grantStatement(user.username, grant.target, grant.privileges)));
      if (early.length + revokes.length === before) unchanged += 1;
    }
  }
  if (refused.length > 0) throw new UserTakeoverError(refused);

  // Users leaving the declaration: for `remove` every declared user, for `converge` those no longer declared.
  // The latest declaration decides between drop and retain.
  const leaving = new Map<string, ValidatedUser>();
  for (const user of [...input.previous, ...input.desired]) {
    if (!keptByConverge.has(user.username)) leaving.set(user.username, user);
  }
  for (const user of leaving.values()) {
    const live = liveOf(user.username);
    if (!live.exists) continue;
    if (user.removalPolicy === 'retain') {
      retainedUsers.push(user.username);
    } else if (!usesIamAuthentication(live)) {
      leftAloneUsers.push({
        username: user.username,
        reason: `authenticates with ${live.plugin ?? 'an unknown plugin'}, not ${IAM_AUTH_PLUGIN}, so this project did not make it; not dropped`,
      });
    } else {
      drops.push(dropUserStatement(user.username));
    }
  }

  const statements = [...early, ...revokes, ...regrants, ...drops];
  const count = (kind: PlannedStatement['kind']): number => statements.filter((s) => s.kind === kind).length;
  return {
    statements,
    changedUsers: [...new Set(statements.map((statement) => statement.username))],
    retainedUsers,
    leftAloneUsers,
    counts: {
      created: count('create-user'),
      altered: count('alter-user'),
      granted: count('grant'),
      revoked: count('revoke'),
      dropped: count('drop-user'),
      retained: retainedUsers.length,
      unchanged,
      leftAlone: leftAloneUsers.length,
    },
  };
}

/** Create, adopt, or fix the TLS requirement of one declared user. */
function userStatements(engine: DatabaseEngineFamily, user: ValidatedUser, live: LiveUserState): PlannedStatement[] {
  if (!live.exists) return [createUserStatement(engine, user.username, user.requireSsl)];
  if (!usesIamAuthentication(live)) return [adoptUserStatement(engine, user.username, user.requireSsl)];
  const wantedSslType = user.requireSsl ? SSL_TYPE_REQUIRE_SSL : SSL_TYPE_REQUIRE_NONE;
  if ((live.sslType ?? SSL_TYPE_REQUIRE_NONE).toUpperCase() !== wantedSslType) {
    return [requireSslStatement(user.username, user.requireSsl)];
  }
  return [];
}
